using Switchboard.InMemory;
using Switchboard.RabbitMQ;
using Switchboard.Sqlite;

namespace Switchboard.Benchmarks.Systems;

/// <summary>The systems this runner knows, by command-line name.</summary>
public static class BenchmarkSystems
{
    private static readonly Dictionary<string, Func<IBenchmarkSystem>> All = new(StringComparer.Ordinal)
    {
        ["switchboard-inmemory"] = static () => new SwitchboardSystem("switchboard-inmemory", typeof(InMemoryTransport), InMemoryTransportSetup.CreateAsync),
        ["switchboard-sqlite"] = static () => new SwitchboardSystem("switchboard-sqlite", typeof(SqliteTransport), SqliteTransportSetup.CreateAsync),
        ["switchboard-rabbitmq"] = static () => new SwitchboardSystem("switchboard-rabbitmq", typeof(RabbitMqTransport), RabbitMqTransportSetup.CreateAsync),
        [RawRabbitMqSystem.SystemName] = static () => new RawRabbitMqSystem(),
    };

    /// <summary>Every known name.</summary>
    public static IEnumerable<string> Names => All.Keys.Order(StringComparer.Ordinal);

    /// <summary>Finds a system by name.</summary>
    public static IBenchmarkSystem? Find(string name) => All.TryGetValue(name, out var create) ? create() : null;
}
