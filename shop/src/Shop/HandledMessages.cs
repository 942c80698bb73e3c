using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Switchboard.Diagnostics;

namespace Shop;

/// <summary>
/// Counts, from the bus's meter (<see cref="SwitchboardDiagnostics.Meter"/>), the messages this process's endpoints
/// handled, the handling attempts that threw and the messages dead-lettered; <c>GET /health</c> shows them. The
/// meter is process-wide: several buses in one process are counted together.
/// </summary>
internal sealed class HandledMessages : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentDictionary<string, long> _handled = new(StringComparer.Ordinal);
    private long _failed;
    private long _deadLettered;

    public HandledMessages()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SwitchboardDiagnostics.Name
                && instrument.Name is "switchboard.messages.handled" or "switchboard.messages.failed" or "switchboard.messages.dead_lettered")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>(OnMeasurement);
        _listener.Start();
    }

    public long FailedAttempts => Interlocked.Read(ref _failed);

    public long DeadLettered => Interlocked.Read(ref _deadLettered);

    /// <summary>Messages handled successfully, by endpoint.</summary>
    public IReadOnlyDictionary<string, long> ByEndpoint() => new SortedDictionary<string, long>(_handled, StringComparer.Ordinal);

    public void Dispose() => _listener.Dispose();

    private void OnMeasurement(Instrument instrument, long value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state)
    {
        switch (instrument.Name)
        {
            case "switchboard.messages.handled":
                var endpoint = "?";
                foreach (var tag in tags)
                {
                    if (tag.Key == "messaging.destination.name" && tag.Value is string name)
                    {
                        endpoint = name;
                    }
                }

                _handled.AddOrUpdate(endpoint, value, (_, count) => count + value);
                break;
            case "switchboard.messages.failed":
                Interlocked.Add(ref _failed, value);
                break;
            default:
                Interlocked.Add(ref _deadLettered, value);
                break;
        }
    }
}
