using Switchboard.Conformance.Transports;

namespace Switchboard.Tests.Conformance;

public sealed class InMemorySendReceive : SendReceiveSuite<InMemoryTransportFactory>;

public sealed class InMemoryPublishSubscribe : PublishSubscribeSuite<InMemoryTransportFactory>;

public sealed class InMemoryCompetingConsumers : CompetingConsumersSuite<InMemoryTransportFactory>;

public sealed class InMemoryRedelivery : RedeliverySuite<InMemoryTransportFactory>;

public sealed class InMemoryRetryAndDeadLetter : RetryAndDeadLetterSuite<InMemoryTransportFactory>;

public sealed class InMemoryDeadLetterManagement : DeadLetterManagementSuite<InMemoryTransportFactory>;

public sealed class InMemoryQueueStatistics : QueueStatisticsSuite<InMemoryTransportFactory>;

public sealed class InMemoryScheduledMessages : ScheduledMessagesSuite<InMemoryTransportFactory>;

public sealed class InMemoryDelayedDelivery : DelayedDeliverySuite<InMemoryTransportFactory>;

public sealed class InMemoryHeaders : HeadersSuite<InMemoryTransportFactory>;

public sealed class InMemoryBadInput : BadInputSuite<InMemoryTransportFactory>;

public sealed class InMemoryCloudEvents : CloudEventsSuite<InMemoryTransportFactory>;

public sealed class InMemoryGracefulShutdown : GracefulShutdownSuite<InMemoryTransportFactory>;

public sealed class InMemoryRollingDeploy : RollingDeploySuite<InMemoryTransportFactory>;

public sealed class InMemoryOrdering : OrderingSuite<InMemoryTransportFactory>;
