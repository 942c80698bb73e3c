using System.Collections.Concurrent;
using System.Diagnostics;
using Npgsql;

namespace Switchboard.PostgreSql.Tests;

/// <summary>
/// A data source on the test server that records what it sends, one entry a round trip: <c>command</c>, or
/// <c>batch of N</c> statements. Npgsql's tracing filters see every command only while something listens to its
/// activities, so the recorder listens for as long as it lives.
/// </summary>
public sealed class RoundTripRecorder : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _sent = new();
    private readonly ActivityListener _listener = new()
    {
        ShouldListenTo = source => source.Name == "Npgsql",
        Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
    };

    public RoundTripRecorder()
    {
        ActivitySource.AddActivityListener(_listener);
        var builder = new NpgsqlDataSourceBuilder(TestServer.ConnectionString);
        builder.ConfigureTracing(t => t
            .ConfigureCommandFilter(_ =>
            {
                _sent.Enqueue("command");
                return true;
            })
            .ConfigureBatchFilter(b =>
            {
                _sent.Enqueue($"batch of {b.BatchCommands.Count}");
                return true;
            }));
        DataSource = builder.Build();
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>What was sent so far, in order.</summary>
    public IReadOnlyList<string> Sent => [.. _sent];

    public void Clear() => _sent.Clear();

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        _listener.Dispose();
    }
}
