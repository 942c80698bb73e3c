using Switchboard.Conformance.EventSourcing;
using Switchboard.Conformance.EventStores;

namespace Switchboard.Tests.Conformance;

public sealed class InMemoryEventAppend : AppendSuite<InMemoryEventStoreFactory>;

public sealed class InMemoryEventReadStream : ReadStreamSuite<InMemoryEventStoreFactory>;

public sealed class InMemoryEventReadAll : ReadAllSuite<InMemoryEventStoreFactory>;

public sealed class InMemoryEventConcurrency : ConcurrentAppendSuite<InMemoryEventStoreFactory>;

public sealed class InMemoryEventTransactions : TransactionSuite<InMemoryEventStoreFactory>;

public sealed class InMemoryEventCheckpointsAndSnapshots : CheckpointAndSnapshotSuite<InMemoryEventStoreFactory>;

public sealed class InMemoryEventUpcasting : UpcastingSuite<InMemoryEventStoreFactory>;

// What runs on top of the event store: subscriptions, projections, aggregates.
public sealed class InMemorySubscriptions : SubscriptionSuite<InMemoryEventStoreFactory>;

public sealed class InMemoryProjections : ProjectionSuite<InMemoryEventStoreFactory>;

public sealed class InMemoryAggregates : AggregateSuite<InMemoryEventStoreFactory>;

public sealed class InMemoryEventEnlistment : EnlistmentSuite<InMemoryEventStoreFactory>;
