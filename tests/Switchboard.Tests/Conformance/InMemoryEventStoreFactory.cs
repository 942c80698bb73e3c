using Switchboard.EventSourcing;
using Switchboard.InMemory;
using Switchboard.Persistence;
using Switchboard.Conformance;

namespace Switchboard.Tests.Conformance;

/// <summary>A fresh in-memory event store per test; every "instance" of the scope is that one store.</summary>
public sealed class InMemoryEventStoreFactory : IEnlistmentFactory
{
    public ValueTask<IEventStoreScope> CreateScopeAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<IEventStoreScope>(new Scope());

    public IMessageStore CreateMessageStore(IEventStoreScope scope) => ((Scope)scope).Messages;

    private sealed class Scope : IEventStoreScope
    {
        private readonly InMemoryEventStore _store = new();

        // The same data for every "process", like the event store (disposing the in-memory store is a no-op).
        public InMemoryMessageStore Messages { get; } = new();

        public bool SingleWriter => true;

        // The same data: each instance is the one store, behind a wrapper whose disposal leaves it open for the others.
        public IEventStore CreateStore() => new SharedEventStore(_store);

        public ValueTask DisposeAsync() => _store.DisposeAsync();
    }

    /// <summary>Everything goes to the shared store, except disposal: the scope disposes it.</summary>
    private sealed class SharedEventStore(InMemoryEventStore store) : IEventStore, ICheckpointStore, ISnapshotStore, IEventStoreEnlistment
    {
        public bool CanEnlistIn(IMessageStore messages) => store.CanEnlistIn(messages);

        public ValueTask EnlistAppendAsync(IStoreTransaction transaction, string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default) =>
            store.EnlistAppendAsync(transaction, streamId, expectedVersion, events, cancellationToken);

        public string Name => store.Name;

        public ValueTask InitializeAsync(CancellationToken cancellationToken = default) => store.InitializeAsync(cancellationToken);

        public ValueTask<AppendResult> AppendAsync(string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default) =>
            store.AppendAsync(streamId, expectedVersion, events, cancellationToken);

        public ValueTask<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, ReadDirection direction, int maxCount, CancellationToken cancellationToken = default) =>
            store.ReadStreamAsync(streamId, fromVersion, direction, maxCount, cancellationToken);

        public ValueTask<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default) => store.GetStreamVersionAsync(streamId, cancellationToken);

        public ValueTask<EventPage> ReadAllAsync(long afterPosition, int maxCount, EventFilter? filter = null, CancellationToken cancellationToken = default) =>
            store.ReadAllAsync(afterPosition, maxCount, filter, cancellationToken);

        public ValueTask<long> GetEndPositionAsync(CancellationToken cancellationToken = default) => store.GetEndPositionAsync(cancellationToken);

        public ValueTask<long> CountEventsAfterAsync(long position, long limit, CancellationToken cancellationToken = default) => store.CountEventsAfterAsync(position, limit, cancellationToken);

        public ValueTask WaitForEventsAsync(long afterPosition, TimeSpan maxWait, CancellationToken cancellationToken = default) =>
            store.WaitForEventsAsync(afterPosition, maxWait, cancellationToken);

        public ValueTask<IEventStoreTransaction> BeginTransactionAsync(CancellationToken cancellationToken = default) => store.BeginTransactionAsync(cancellationToken);

        public ValueTask<long?> LoadCheckpointAsync(string name, CancellationToken cancellationToken = default) => store.LoadCheckpointAsync(name, cancellationToken);

        public ValueTask SaveCheckpointAsync(string name, long position, CancellationToken cancellationToken = default) => store.SaveCheckpointAsync(name, position, cancellationToken);

        public ValueTask DeleteCheckpointAsync(string name, CancellationToken cancellationToken = default) => store.DeleteCheckpointAsync(name, cancellationToken);

        public ValueTask<Snapshot?> LoadSnapshotAsync(string streamId, CancellationToken cancellationToken = default) => store.LoadSnapshotAsync(streamId, cancellationToken);

        public ValueTask SaveSnapshotAsync(Snapshot snapshot, CancellationToken cancellationToken = default) => store.SaveSnapshotAsync(snapshot, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
