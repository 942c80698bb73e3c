using Switchboard.Testing.EventSourcing;

namespace Switchboard.PostgreSql.Tests;

// What runs on top of the PostgreSQL event store: subscriptions, projections in the store's schema, aggregates.
public sealed class PostgreSqlEventSubscriptions : SubscriptionSuite<PostgreSqlEventStoreFactory>;

public sealed class PostgreSqlProjections : ProjectionSuite<PostgreSqlEventStoreFactory>;

public sealed class PostgreSqlAggregates : AggregateSuite<PostgreSqlEventStoreFactory>;
