using System.Text.Json;

namespace Switchboard.Benchmarks.Soak;

/// <summary>The soak's fields of the JSON line, beyond the runner's common ones.</summary>
/// <param name="DurationSeconds">The load's requested duration (<c>--duration-seconds</c>).</param>
/// <param name="MaxWalBytes">Largest WAL seen; null when the system keeps none.</param>
/// <param name="FinalWalBytes">The WAL after the drain; null when the system keeps none.</param>
/// <param name="MaxWorkingSetBytes">Largest working set seen.</param>
/// <param name="FirstMinuteWorkingSetBytes">Largest working set seen in the first minute.</param>
public sealed record SoakFigures(
    double DurationSeconds,
    long? MaxWalBytes,
    long? FinalWalBytes,
    long MaxWorkingSetBytes,
    long FirstMinuteWorkingSetBytes)
{
    /// <summary>Writes the fields into the line's object.</summary>
    public void WriteTo(Utf8JsonWriter json)
    {
        json.WriteNumber("duration_s", DurationSeconds);
        WriteBytes(json, "max_wal_bytes", MaxWalBytes);
        WriteBytes(json, "final_wal_bytes", FinalWalBytes);
        json.WriteNumber("max_working_set_bytes", MaxWorkingSetBytes);
        json.WriteNumber("first_minute_working_set_bytes", FirstMinuteWorkingSetBytes);
    }

    private static void WriteBytes(Utf8JsonWriter json, string name, long? bytes)
    {
        if (bytes is { } value)
        {
            json.WriteNumber(name, value);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
