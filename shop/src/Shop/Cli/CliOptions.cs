using System.CommandLine;
using System.CommandLine.Parsing;
using Shop.Http;

namespace Shop.Cli;

/// <summary>Options several commands share, and the parsers that turn a bad value into one clear parse error.</summary>
internal static class CliOptions
{
    /// <summary>The most handlers <c>shop run --concurrency</c> gives an endpoint.</summary>
    public const int MaxConcurrency = 256;

    public static Option<string> Data() => new("--data")
    {
        Description = "The data directory: the embedded SQLite file and the development signing key (" + DevelopmentSigningKey.FileName + ")",
        DefaultValueFactory = _ => "data",
    };

    public static Option<string?> SigningKeyFile() => new("--signing-key-file")
    {
        Description = "The development signing key file that every process of one shop shares (default: $SHOP_SIGNING_KEY_FILE, else " + DevelopmentSigningKey.FileName + " in --data)",
        DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SHOP_SIGNING_KEY_FILE") is { Length: > 0 } file ? file : null,
    };

    /// <summary>The key file that <paramref name="keyFile"/> names, else the one in <paramref name="data"/>.</summary>
    public static string KeyFile(ParseResult result, Option<string> data, Option<string?> keyFile) =>
        result.GetValue(keyFile) ?? Path.Combine(result.GetRequiredValue(data), DevelopmentSigningKey.FileName);

    /// <summary>An absolute http URL with nothing after the port (Kestrel binds addresses, not paths).</summary>
    public static Uri HttpUrl(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme != Uri.UriSchemeHttp || url.AbsolutePath != "/" || url.Query.Length > 0 || url.UserInfo.Length > 0)
        {
            result.AddError($"{Name(result)} takes an http URL such as http://127.0.0.1:5080 (no path, query or credentials), not '{Shown(text)}'.");
            return new Uri("http://127.0.0.1");
        }

        return url;
    }

    /// <summary>An absolute amqp or amqps URL (its path names the vhost).</summary>
    public static Uri AmqpUrl(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("amqp" or "amqps"))
        {
            result.AddError($"{Name(result)} takes an amqp:// or amqps:// URL such as amqp://rabbit:5672/shop, not '{Shown(text)}'.");
            return new Uri("amqp://127.0.0.1");
        }

        return url;
    }

    /// <summary>A duration from zero to a minute: <c>50ms</c>, <c>2s</c>, or <c>hh:mm:ss[.fff]</c>.</summary>
    public static TimeSpan Duration(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value.Trim();
        double? seconds = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) && double.TryParse(text[..^2], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var ms) => ms / 1000,
            _ when text.EndsWith('s') && double.TryParse(text[..^1], System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var s) => s,
            _ when TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var span) => span.TotalSeconds,
            _ => null,
        };

        // Checked before any conversion: NaN, infinities and huge numbers are refused, not thrown on.
        if (seconds is not { } value || !double.IsFinite(value) || value is < 0 or > 60)
        {
            result.AddError($"{Name(result)} takes a duration from 0 to 1 minute such as 50ms, 2s or 00:00:00.050, not '{text}'.");
            return TimeSpan.Zero;
        }

        return TimeSpan.FromSeconds(value);
    }

    /// <summary>
    /// A whole number from <paramref name="min"/> to <paramref name="max"/>. Anything else (not a number, out of range)
    /// is one parse error that names <paramref name="range"/>, e.g. "1 to 10 instances".
    /// </summary>
    public static Func<ArgumentResult, int> Whole(int min, int max, string range) => result =>
    {
        var text = result.Tokens.Single().Value;
        if (int.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        result.AddError($"{Name(result)} takes {range}, not '{text}'.");
        return min;
    };

    /// <summary>A whole number of at least 1 (a count of orders, a rate limit).</summary>
    public static Func<ArgumentResult, int> AtLeastOne { get; } = Whole(1, int.MaxValue, "a whole number of at least 1");

    /// <summary>A finite number above zero and at most <paramref name="max"/> (NaN, infinities and the rest are one parse error).</summary>
    public static Func<ArgumentResult, double> Positive(double max) => result =>
    {
        var text = result.Tokens.Single().Value;
        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value > 0 && value <= max)
        {
            return value;
        }

        result.AddError($"{Name(result)} takes a number above 0 and at most {max.ToString(System.Globalization.CultureInfo.InvariantCulture)}, not '{text}'.");
        return max;
    };

    public static T Choice<T>(ArgumentResult result, IReadOnlyDictionary<string, T> choices)
        where T : struct
    {
        var text = result.Tokens.Single().Value;
        if (choices.TryGetValue(text, out var value))
        {
            return value;
        }

        result.AddError($"{Name(result)} is {string.Join(" or ", choices.Keys)}, not '{text}'.");
        return default;
    }

    // A URL as an error may show it: without the password it may carry (an error line ends up in logs and terminals).
    private static string Shown(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && url.UserInfo.Length > 0 ? text.Replace(url.UserInfo, "***", StringComparison.Ordinal) : text;

    private static string Name(ArgumentResult result) => (result.Parent as OptionResult)?.Option.Name ?? "the value";
}
