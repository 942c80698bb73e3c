using Switchboard.Configuration;
using Switchboard.Sqlite;
using Switchboard.Conformance;
using Switchboard.Transport;

namespace Switchboard.Sqlite.Tests.Conformance;

/// <summary>A fresh database file per test; every bus of the test opens the same file, as processes would.</summary>
public sealed class SqliteTransportFactory : ITransportFactory
{
    public ValueTask<ITransportScope> CreateScopeAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<ITransportScope>(new Scope(TestDatabase.NewPath()));

    private sealed class Scope(string path) : ITransportScope
    {
        private SqliteTransportOptions Options => new() { Path = path, LeaseDuration = TimeSpan.FromSeconds(5) };

        public void UseTransport(SwitchboardBuilder builder) => builder.UseSqlite(Options);

        public ITransport CreateTransport() => new SqliteTransport(Options);

        public ValueTask DisposeAsync()
        {
            TestDatabase.Delete(path);
            return ValueTask.CompletedTask;
        }
    }
}
