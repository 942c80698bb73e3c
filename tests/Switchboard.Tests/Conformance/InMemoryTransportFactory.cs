using Switchboard.Configuration;
using Switchboard.InMemory;
using Switchboard.Conformance;
using Switchboard.Transport;

namespace Switchboard.Tests.Conformance;

public sealed class InMemoryTransportFactory : ITransportFactory
{
    public ValueTask<ITransportScope> CreateScopeAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<ITransportScope>(new Scope(new InMemoryNetwork()));

    private sealed class Scope(InMemoryNetwork network) : ITransportScope
    {
        public void UseTransport(SwitchboardBuilder builder) => builder.UseInMemory(network);

        public ITransport CreateTransport() => new InMemoryTransport(network);

        public ValueTask DisposeAsync()
        {
            network.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
