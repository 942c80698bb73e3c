using Switchboard.PostgreSql.Tests.Events;
using Switchboard.Conformance.EventSourcing;
using Switchboard.Conformance.EventStores;

namespace Switchboard.PostgreSql.Tests;

// In the event store's collection: run alone, since other tests' open transactions hold readers of all events back.
[Collection(EventStoreCollection.Name)]
public sealed class PostgreSqlEventAppend : AppendSuite<PostgreSqlEventStoreFactory>;

[Collection(EventStoreCollection.Name)]
public sealed class PostgreSqlEventReadStream : ReadStreamSuite<PostgreSqlEventStoreFactory>;

[Collection(EventStoreCollection.Name)]
public sealed class PostgreSqlEventReadAll : ReadAllSuite<PostgreSqlEventStoreFactory>;

[Collection(EventStoreCollection.Name)]
public sealed class PostgreSqlEventConcurrency : ConcurrentAppendSuite<PostgreSqlEventStoreFactory>;

[Collection(EventStoreCollection.Name)]
public sealed class PostgreSqlEventTransactions : TransactionSuite<PostgreSqlEventStoreFactory>;

[Collection(EventStoreCollection.Name)]
public sealed class PostgreSqlEventTransactionsSql : TransactionSqlSuite<PostgreSqlEventStoreFactory>;

[Collection(EventStoreCollection.Name)]
public sealed class PostgreSqlEventCheckpointsAndSnapshots : CheckpointAndSnapshotSuite<PostgreSqlEventStoreFactory>;

[Collection(EventStoreCollection.Name)]
public sealed class PostgreSqlEventEnlistment : EnlistmentSqlSuite<PostgreSqlEventStoreFactory>;

[Collection(EventStoreCollection.Name)]
public sealed class PostgreSqlEventUpcasting : UpcastingSuite<PostgreSqlEventStoreFactory>;

// What runs on top of the event store: subscriptions, projections (of their own read model, and in the store's
// schema), aggregates.
[Collection(EventStoreCollection.Name)]
public sealed class PostgreSqlSubscriptions : SubscriptionSuite<PostgreSqlEventStoreFactory>;

[Collection(EventStoreCollection.Name)]
public sealed class PostgreSqlProjections : ProjectionSuite<PostgreSqlEventStoreFactory>;

[Collection(EventStoreCollection.Name)]
public sealed class PostgreSqlProjectionsSql : ProjectionSqlSuite<PostgreSqlEventStoreFactory>;

[Collection(EventStoreCollection.Name)]
public sealed class PostgreSqlAggregates : AggregateSuite<PostgreSqlEventStoreFactory>;
