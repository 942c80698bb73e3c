using Switchboard.Testing.EventSourcing;

namespace Switchboard.Tests.Conformance;

public sealed class InMemorySubscriptions : SubscriptionSuite<InMemoryEventStoreFactory>;
public sealed class InMemoryProjections : ProjectionSuite<InMemoryEventStoreFactory>;
public sealed class InMemoryAggregates : AggregateSuite<InMemoryEventStoreFactory>;
