using System.Globalization;

namespace Shop.AppHost;

/// <summary>The durations <c>shop run --gateway-latency</c> accepts: <c>50ms</c>, <c>2s</c> or <c>hh:mm:ss[.fff]</c>, from 0 to 1 minute.</summary>
internal static class LatencyText
{
    public static bool IsValid(string text)
    {
        var trimmed = text.Trim();
        double? seconds = trimmed switch
        {
            _ when trimmed.EndsWith("ms", StringComparison.Ordinal) && double.TryParse(trimmed[..^2], NumberStyles.Float, CultureInfo.InvariantCulture, out var ms) => ms / 1000,
            _ when trimmed.EndsWith('s') && double.TryParse(trimmed[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var s) => s,
            _ when TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out var span) => span.TotalSeconds,
            _ => null,
        };
        return seconds is { } value && double.IsFinite(value) && value is >= 0 and <= 60;
    }
}
