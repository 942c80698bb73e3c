using Switchboard.Conformance.EventSourcing;
using Switchboard.Conformance.EventStores;

namespace Switchboard.Sqlite.Tests.Conformance;

public sealed class SqliteEventStoreAppend : AppendSuite<SqliteEventStoreFactory>;

public sealed class SqliteEventStoreReadStream : ReadStreamSuite<SqliteEventStoreFactory>;

public sealed class SqliteEventStoreReadAll : ReadAllSuite<SqliteEventStoreFactory>;

public sealed class SqliteEventStoreConcurrency : ConcurrentAppendSuite<SqliteEventStoreFactory>;

public sealed class SqliteEventStoreTransactions : TransactionSuite<SqliteEventStoreFactory>;

public sealed class SqliteEventStoreTransactionsSql : TransactionSqlSuite<SqliteEventStoreFactory>;

public sealed class SqliteEventStoreCheckpointsAndSnapshots : CheckpointAndSnapshotSuite<SqliteEventStoreFactory>;

public sealed class SqliteEventStoreUpcasting : UpcastingSuite<SqliteEventStoreFactory>;

// What runs on top of the event store: subscriptions, projections (of their own read model, and in the file's
// tables), aggregates.
public sealed class SqliteEventStoreSubscriptions : SubscriptionSuite<SqliteEventStoreFactory>;

public sealed class SqliteEventStoreProjections : ProjectionSuite<SqliteEventStoreFactory>;

public sealed class SqliteEventStoreProjectionsSql : ProjectionSqlSuite<SqliteEventStoreFactory>;

public sealed class SqliteEventStoreAggregates : AggregateSuite<SqliteEventStoreFactory>;

// Appends joined to units of work of the store in the same file, through its one writer.
public sealed class SqliteEventEnlistment : EnlistmentSqlSuite<SqliteEnlistmentFactory>;
