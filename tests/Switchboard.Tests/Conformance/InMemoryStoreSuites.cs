using Switchboard.Conformance.EventSourcing;
using Switchboard.Conformance.Stores;

namespace Switchboard.Tests.Conformance;

public sealed class InMemorySagaStore : SagaStoreSuite<InMemoryStoreFactory>;

public sealed class InMemoryInbox : InboxSuite<InMemoryStoreFactory>;

public sealed class InMemoryOutbox : OutboxSuite<InMemoryStoreFactory>;

public sealed class InMemoryAudit : AuditSuite<InMemoryStoreFactory>;

public sealed class InMemoryUnitOfWork : UnitOfWorkSuite<InMemoryStoreFactory>;

public sealed class InMemoryEventSourcedSaga : EventSourcedSagaSuite<InMemoryStoreFactory>;

public sealed class InMemoryUpcastInUnitOfWork : UpcastInUnitOfWorkSuite<InMemoryStoreFactory>;
