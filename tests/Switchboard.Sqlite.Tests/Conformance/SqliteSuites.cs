using Switchboard.Conformance.Transports;

namespace Switchboard.Sqlite.Tests.Conformance;

public sealed class SqliteSendReceive : SendReceiveSuite<SqliteTransportFactory>;

public sealed class SqlitePublishSubscribe : PublishSubscribeSuite<SqliteTransportFactory>;

public sealed class SqliteCompetingConsumers : CompetingConsumersSuite<SqliteTransportFactory>;

public sealed class SqliteRedelivery : RedeliverySuite<SqliteTransportFactory>;

public sealed class SqliteRetryAndDeadLetter : RetryAndDeadLetterSuite<SqliteTransportFactory>;

public sealed class SqliteDeadLetterManagement : DeadLetterManagementSuite<SqliteTransportFactory>;

public sealed class SqliteQueueStatistics : QueueStatisticsSuite<SqliteTransportFactory>;

public sealed class SqliteScheduledMessages : ScheduledMessagesSuite<SqliteTransportFactory>;

public sealed class SqliteDelayedDelivery : DelayedDeliverySuite<SqliteTransportFactory>;

public sealed class SqliteHeaders : HeadersSuite<SqliteTransportFactory>;

public sealed class SqliteBadInput : BadInputSuite<SqliteTransportFactory>;

public sealed class SqliteCloudEvents : CloudEventsSuite<SqliteTransportFactory>;

public sealed class SqliteGracefulShutdown : GracefulShutdownSuite<SqliteTransportFactory>;

public sealed class SqliteRollingDeploy : RollingDeploySuite<SqliteTransportFactory>;

public sealed class SqliteOrdering : OrderingSuite<SqliteTransportFactory>;
