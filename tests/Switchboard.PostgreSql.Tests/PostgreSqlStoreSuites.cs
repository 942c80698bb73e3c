using Switchboard.Conformance.EventSourcing;
using Switchboard.Conformance.Stores;

namespace Switchboard.PostgreSql.Tests;

public sealed class PostgreSqlSagaStore : SagaStoreSuite<PostgreSqlStoreFactory>;

public sealed class PostgreSqlInbox : InboxSuite<PostgreSqlStoreFactory>;

public sealed class PostgreSqlOutbox : OutboxSuite<PostgreSqlStoreFactory>;

public sealed class PostgreSqlAudit : AuditSuite<PostgreSqlStoreFactory>;

public sealed class PostgreSqlUnitOfWork : UnitOfWorkSuite<PostgreSqlStoreFactory>;

public sealed class PostgreSqlUnitOfWorkSql : UnitOfWorkSqlSuite<PostgreSqlStoreFactory>;

public sealed class PostgreSqlEventSourcedSaga : EventSourcedSagaSuite<PostgreSqlStoreFactory>;

public sealed class PostgreSqlUpcastInUnitOfWork : UpcastInUnitOfWorkSuite<PostgreSqlStoreFactory>;
