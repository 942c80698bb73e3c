using Switchboard.Configuration;
using Switchboard.InMemory;
using Switchboard.Persistence;
using Switchboard.Conformance;

namespace Switchboard.Tests.Conformance;

/// <summary>A fresh in-memory store (and in-memory network and event store) per test.</summary>
public sealed class InMemoryStoreFactory : IEventSourcedStoreFactory
{
    public ValueTask<IStoreScope> CreateScopeAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<IStoreScope>(new Scope());

    public void UseEventStore(SwitchboardBuilder builder, IStoreScope scope) => builder.UseInMemoryEventStore(((Scope)scope).Events);

    private sealed class Scope : IStoreScope
    {
        private readonly InMemoryMessageStore _store = new();
        private readonly InMemoryNetwork _network = new();

        public InMemoryEventStore Events { get; } = new();

        public void Configure(SwitchboardBuilder builder, StoreOptions options) => builder.UseInMemory(_network).UseInMemoryStore(_store, options);

        // The same data: the in-memory store is its own only instance; disposing it is a no-op.
        public IMessageStore CreateStore() => _store;

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
