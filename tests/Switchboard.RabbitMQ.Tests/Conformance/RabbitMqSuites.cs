using Switchboard.Conformance.Transports;

namespace Switchboard.RabbitMQ.Tests.Conformance;

public sealed class RabbitMqSendReceive : SendReceiveSuite<RabbitMqTransportFactory>;

public sealed class RabbitMqPublishSubscribe : PublishSubscribeSuite<RabbitMqTransportFactory>;

public sealed class RabbitMqCompetingConsumers : CompetingConsumersSuite<RabbitMqTransportFactory>;

public sealed class RabbitMqRedelivery : RedeliverySuite<RabbitMqTransportFactory>;

public sealed class RabbitMqRetryAndDeadLetter : RetryAndDeadLetterSuite<RabbitMqTransportFactory>;

public sealed class RabbitMqDeadLetterManagement : DeadLetterManagementSuite<RabbitMqTransportFactory>;

public sealed class RabbitMqQueueStatistics : QueueStatisticsSuite<RabbitMqTransportFactory>;

public sealed class RabbitMqDelayedDelivery : DelayedDeliverySuite<RabbitMqTransportFactory>;

public sealed class RabbitMqHeaders : HeadersSuite<RabbitMqTransportFactory>;

public sealed class RabbitMqBadInput : BadInputSuite<RabbitMqTransportFactory>;

public sealed class RabbitMqCloudEvents : CloudEventsSuite<RabbitMqTransportFactory>;

public sealed class RabbitMqGracefulShutdown : GracefulShutdownSuite<RabbitMqTransportFactory>;

public sealed class RabbitMqRollingDeploy : RollingDeploySuite<RabbitMqTransportFactory>;

public sealed class RabbitMqOrdering : OrderingSuite<RabbitMqTransportFactory>;
