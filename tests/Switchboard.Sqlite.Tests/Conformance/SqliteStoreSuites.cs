using Switchboard.Conformance.EventSourcing;
using Switchboard.Conformance.Stores;

namespace Switchboard.Sqlite.Tests.Conformance;

// The embedded default: store and transport in one file (messages join units of work directly).
public sealed class SqliteSagaStore : SagaStoreSuite<SqliteSharedFileStoreFactory>;

public sealed class SqliteInbox : InboxSuite<SqliteSharedFileStoreFactory>;

public sealed class SqliteAudit : AuditSuite<SqliteSharedFileStoreFactory>;

public sealed class SqliteUnitOfWork : UnitOfWorkSuite<SqliteSharedFileStoreFactory>;

public sealed class SqliteUnitOfWorkSql : UnitOfWorkSqlSuite<SqliteSharedFileStoreFactory>;

public sealed class SqliteUpcastInUnitOfWork : UpcastInUnitOfWorkSuite<SqliteSharedFileStoreFactory>;

// The store in a file of its own next to another transport (messages go through the outbox and its relay).
public sealed class SqliteOwnFileUnitOfWork : UnitOfWorkSuite<SqliteOwnFileStoreFactory>;

public sealed class SqliteOwnFileOutbox : OutboxSuite<SqliteOwnFileStoreFactory>;

public sealed class SqliteOwnFileUnitOfWorkSql : UnitOfWorkSqlSuite<SqliteOwnFileStoreFactory>;

public sealed class SqliteOwnFileAudit : AuditSuite<SqliteOwnFileStoreFactory>;

// Event-sourced sagas: the event store in the transport's file too.
public sealed class SqliteEventSourcedSaga : EventSourcedSagaSuite<SqliteSharedFileStoreFactory>;
