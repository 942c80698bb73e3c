using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Sqlite.Tests;

/// <summary>The writer reports how long a group commit took, how many operations it held and how long each waited.</summary>
public sealed class WriterMetricsTests : IAsyncLifetime
{
    private readonly string _path = TestDatabase.NewPath();
    private readonly ConcurrentQueue<(string Instrument, double Value, string? Operation)> _measurements = new();
    private readonly MeterListener _listener = new();
    private SqliteTransport _transport = null!;

    public async Task InitializeAsync()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "Switchboard" && instrument.Name.StartsWith("switchboard.sqlite.writer.", StringComparison.Ordinal))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
        _transport = new SqliteTransport(new SqliteTransportOptions { Path = _path });
        await _transport.StartAsync();
        await _transport.DeclareEndpointAsync(new EndpointDeclaration("orders", []));
    }

    public async Task DisposeAsync()
    {
        _listener.Dispose();
        await _transport.DisposeAsync();
        TestDatabase.Delete(_path);
    }

    [Fact]
    public async Task A_send_is_timed_from_its_queueing_to_its_commit()
    {
        var envelope = new Envelope { MessageId = MessageIds.New(), MessageType = "tests.ping.v1", ContentType = "application/json", Body = "{}"u8.ToArray() };

        await _transport.SendAsync("orders", envelope, deliverAt: null);

        // The listener hears every writer of the process (tests run in parallel): only what holds for any of them.
        var waits = _measurements.Where(m => m.Instrument == "switchboard.sqlite.writer.wait" && m.Operation == "SendOperation").Select(m => m.Value).ToList();
        var commits = _measurements.Where(m => m.Instrument == "switchboard.sqlite.writer.commit.duration").Select(m => m.Value).ToList();
        Assert.NotEmpty(waits);
        Assert.NotEmpty(commits);
        Assert.All(waits, wait => Assert.InRange(wait, commits.Min(), 60));
        Assert.Contains(_measurements, m => m.Instrument == "switchboard.sqlite.writer.batch.size" && m.Value >= 1);
    }

    private void Record(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? operation = null;
        foreach (var tag in tags)
        {
            if (tag.Key == "switchboard.sqlite.operation")
            {
                operation = tag.Value as string;
            }
        }

        _measurements.Enqueue((instrument.Name, value, operation));
    }
}
