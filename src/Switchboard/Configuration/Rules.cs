using System.Globalization;

namespace Switchboard.Configuration;

/// <summary>
/// Collects what is wrong with one options object as messages of the form <c>{path}:{Key} must … (was …).</c>; for
/// providers' validators as well as the bus's own.
/// </summary>
/// <param name="path">The configuration path of the options (e.g. <c>Switchboard:RabbitMq</c>); empty for none.</param>
public sealed class Rules(string path)
{
    private readonly List<string> _problems = [];

    /// <summary>The problems found so far.</summary>
    public IReadOnlyList<string> Problems => _problems;

    /// <summary>Records that <paramref name="key"/> <paramref name="must"/>, showing the value it has.</summary>
    public void Add(string key, string must, object? value) =>
        _problems.Add($"{Key(key)} {must} (was {Show(value)}).");

    /// <summary>Records that <paramref name="key"/> is required when <paramref name="value"/> is null or blank.</summary>
    public void Required(string key, object? value)
    {
        if (value is null || value is string s && string.IsNullOrWhiteSpace(s))
        {
            _problems.Add($"{Key(key)} is required.");
        }
    }

    /// <summary>Requires <paramref name="value"/> ≥ <paramref name="minimum"/>.</summary>
    public void AtLeast(string key, long value, long minimum)
    {
        if (value < minimum)
        {
            Add(key, $"must be at least {minimum}", value);
        }
    }

    /// <summary>Requires <paramref name="value"/> ≤ <paramref name="maximum"/>.</summary>
    public void AtMost(string key, long value, long maximum)
    {
        if (value > maximum)
        {
            Add(key, $"must be at most {maximum}", value);
        }
    }

    /// <summary>Requires a duration above zero.</summary>
    public void Positive(string key, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            Add(key, "must be longer than zero", value);
        }
    }

    /// <summary>Requires a duration of zero or more.</summary>
    public void NotNegative(string key, TimeSpan value)
    {
        if (value < TimeSpan.Zero)
        {
            Add(key, "must not be negative", value);
        }
    }

    /// <summary>Requires <paramref name="value"/> ≥ the value of <paramref name="otherKey"/>.</summary>
    public void NotBelow(string key, TimeSpan value, string otherKey, TimeSpan other)
    {
        if (value < other)
        {
            Add(key, $"must be at least {Key(otherKey)} ({Show(other)})", value);
        }
    }

    private string Key(string key) => path.Length == 0 ? key : $"{path}:{key}";

    private static string Show(object? value) => value switch
    {
        null => "nothing",
        TimeSpan t => t.ToString("c", CultureInfo.InvariantCulture),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
