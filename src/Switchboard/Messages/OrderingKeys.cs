using System.Globalization;

namespace Switchboard.Messages;

/// <summary>
/// How a bus computes the ordering key of the message types it sends (<see cref="HeaderNames.OrderingKey"/>): one key
/// selector per type, from <c>OrderingKey&lt;T&gt;</c> on the bus or <c>OrderedBy&lt;T&gt;</c> on one of its endpoints.
/// </summary>
public sealed class OrderingKeys
{
    /// <summary>The longest key, in characters: keys travel as a header and are indexed by the SQLite transport.</summary>
    public const int MaxLength = 256;

    private readonly Dictionary<Type, Func<object, object?>> _selectors = [];

    /// <summary>The types that have a key.</summary>
    public IReadOnlyCollection<Type> Types => _selectors.Keys;

    internal void Add<T>(Func<T, object?> selector, string where)
        where T : notnull
    {
        ArgumentNullException.ThrowIfNull(selector);
        if (!_selectors.TryAdd(typeof(T), message => selector((T)message)))
        {
            throw new InvalidOperationException(
                $"{typeof(T).Name} has two ordering keys ({where} gives a second one): a type has one key per bus. Give it once, "
                + $"with OrderingKey<{typeof(T).Name}>(…) on the bus or OrderedBy<{typeof(T).Name}>(…) on one endpoint, and mark other endpoints Ordered().");
        }
    }

    /// <summary>Whether <paramref name="type"/> has a key selector.</summary>
    public bool Has(Type type) => _selectors.ContainsKey(type);

    /// <summary>The key of <paramref name="message"/>, or null when its type has none or the selector gave null or an empty key.</summary>
    /// <exception cref="ArgumentException">The key is longer than <see cref="MaxLength"/>.</exception>
    public string? Of(object message) =>
        _selectors.TryGetValue(message.GetType(), out var selector) ? Normalize(selector(message)) : null;

    /// <summary>A key as it travels: its invariant text; null for null or empty.</summary>
    /// <exception cref="ArgumentException">The key is longer than <see cref="MaxLength"/>.</exception>
    public static string? Normalize(object? key)
    {
        var text = key switch
        {
            null => null,
            string s => s,
            IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
            _ => key.ToString(),
        };
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        return text.Length <= MaxLength
            ? text
            : throw new ArgumentException($"An ordering key has at most {MaxLength} characters; this one has {text.Length}.", nameof(key));
    }
}
