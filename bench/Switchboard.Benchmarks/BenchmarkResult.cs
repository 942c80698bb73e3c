using System.Text;
using System.Text.Json;
using Switchboard.Benchmarks.Soak;

namespace Switchboard.Benchmarks;

/// <summary>The one JSON line a run prints on stdout (see BENCHMARKS.md, "Output"); a soak adds its <see cref="SoakFigures"/>.</summary>
public sealed record BenchmarkResult(
    string System,
    string Scenario,
    int Items,
    int Consumers,
    double Seconds,
    double MessagesPerSecond,
    double P50Milliseconds,
    double P99Milliseconds,
    bool Correct,
    IReadOnlySet<string> Ablations,
    SoakFigures? Soak = null,
    int? EventBatch = null,
    int? InFlight = null,
    bool Audit = false,
    int Prefetch = BenchmarkSettings.ProtocolPrefetch)
{
    /// <summary>The line of a run that produced no figures (setup failed, or the warm-up did not finish).</summary>
    public static BenchmarkResult Failed(BenchmarkSettings settings) =>
        new(settings.System, settings.Scenario, settings.Items, settings.Consumers, 0, 0, 0, 0, Correct: false, settings.Ablations, Audit: settings.Audit, Prefetch: settings.Prefetch);

    /// <summary>Writes the result as one line of JSON, fields in the documented order.</summary>
    public string ToJsonLine()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("system", System);
            json.WriteString("scenario", Scenario);
            json.WriteNumber("n", Items);
            json.WriteNumber("consumers", Consumers);
            if (Audit)
            {
                json.WriteBoolean("audit", true);
            }

            if (Prefetch != BenchmarkSettings.ProtocolPrefetch)
            {
                // Only runs that depart from protocol rule 4 carry this field.
                json.WriteNumber("prefetch", Prefetch);
            }

            if (EventBatch is { } batch)
            {
                json.WriteNumber("batch", batch);
            }

            if (InFlight is { } inFlight)
            {
                json.WriteNumber("in_flight", inFlight);
            }

            json.WriteNumber("seconds", Finite(Seconds, 3));
            json.WriteNumber("msgs_per_s", Finite(MessagesPerSecond, 1));
            json.WriteNumber("p50_ms", Finite(P50Milliseconds, 3));
            json.WriteNumber("p99_ms", Finite(P99Milliseconds, 3));
            Soak?.WriteTo(json);
            json.WriteBoolean("correct", Correct);
            if (Ablations.Count > 0)
            {
                // Only diagnostic runs carry this field, so that their figures are never mistaken for protocol runs.
                json.WriteString("ablate", string.Join(',', Ablations.Order(StringComparer.Ordinal)));
            }

            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static double Finite(double value, int decimals) =>
        double.IsFinite(value) ? Math.Round(value, decimals) : 0;
}
