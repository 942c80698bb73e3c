using System.Diagnostics.Metrics;

namespace Switchboard.Sqlite.Tests;

/// <summary>Sums the measurements of one counter (by instrument name) whose tag <c>tag</c> has the value <c>value</c>.</summary>
internal sealed class TaggedCounter : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _total;

    public TaggedCounter(string instrument, string tag, object value)
    {
        _listener.InstrumentPublished = (published, listener) =>
        {
            if (published.Name == instrument)
            {
                listener.EnableMeasurementEvents(published);
            }
        };
        _listener.SetMeasurementEventCallback<long>((_, measurement, tags, _) =>
        {
            foreach (var pair in tags)
            {
                if (pair.Key == tag && Equals(pair.Value, value))
                {
                    Interlocked.Add(ref _total, measurement);
                }
            }
        });
        _listener.Start();
    }

    /// <summary>The sum so far.</summary>
    public long Total => Interlocked.Read(ref _total);

    public void Dispose() => _listener.Dispose();
}
