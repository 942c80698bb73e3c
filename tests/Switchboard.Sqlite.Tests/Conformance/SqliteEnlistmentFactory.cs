using Switchboard.EventSourcing;
using Switchboard.Persistence;
using Switchboard.Sqlite.Events;
using Switchboard.Sqlite.Store;
using Switchboard.Conformance;
using Switchboard.Transport;

namespace Switchboard.Sqlite.Tests.Conformance;

/// <summary>
/// The embedded default's pairing for the enlistment suite: one SQLite file and one transport (so one writer) per test,
/// with the store and every event store in it. Appends can join the store's units of work only through that one writer,
/// so the stores of a scope are one process's, not several.
/// </summary>
public sealed class SqliteEnlistmentFactory : IEnlistmentFactory
{
    // The queue the suite's outgoing messages go to: the store joins the transport, which refuses undeclared queues.
    private const string OutgoingQueue = "enlistment-suite-out";

    public async ValueTask<IEventStoreScope> CreateScopeAsync(CancellationToken cancellationToken = default)
    {
        var path = TestDatabase.NewPath();
        var transport = new SqliteTransport(new SqliteTransportOptions { Path = path });
        await transport.StartAsync(cancellationToken);
        await transport.DeclareEndpointAsync(new EndpointDeclaration(OutgoingQueue, []), cancellationToken);
        return new Scope(path, transport);
    }

    public IMessageStore CreateMessageStore(IEventStoreScope scope) => new SqliteMessageStore(((Scope)scope).Transport);

    private sealed class Scope(string path, SqliteTransport transport) : IEventStoreScope
    {
        public SqliteTransport Transport => transport;

        public bool SingleWriter => true;

        public IEventStore CreateStore() => new SqliteEventStore(transport);

        public async ValueTask DisposeAsync()
        {
            await transport.DisposeAsync();
            TestDatabase.Delete(path);
        }
    }
}
