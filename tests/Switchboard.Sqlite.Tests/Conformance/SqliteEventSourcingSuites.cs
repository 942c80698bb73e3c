using Switchboard.Testing.EventSourcing;

namespace Switchboard.Sqlite.Tests.Conformance;

// What runs on top of the SQLite event store: subscriptions, projections in the file's tables, aggregates.
public sealed class SqliteEventSubscriptions : SubscriptionSuite<SqliteEventStoreFactory>;

public sealed class SqliteProjections : ProjectionSuite<SqliteEventStoreFactory>;

public sealed class SqliteAggregates : AggregateSuite<SqliteEventStoreFactory>;
