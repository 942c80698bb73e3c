using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Switchboard.Messages;

/// <summary>
/// Upcasters from old type names to newer ones, and the one way they run: JSON upcasters first (an old name's JSON is
/// changed, then read under a newer name), then the body is read as the type its name has, then typed upcasters (an
/// object of an old type is converted into a newer one). The event store's type map and the bus's
/// <see cref="MessageTypeRegistry"/> each keep theirs in one, so that an old shape is read by the same rules in both.
/// </summary>
internal sealed class Upcasters
{
    /// <summary>How many upcasters one read may run: more means they form a loop.</summary>
    private const int MaxSteps = 32;

    private readonly Dictionary<string, (string NewName, Func<JsonObject, JsonObject> Upcast)> _json = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Type> _typedSources = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, (Type NewType, Func<object, object> Upcast)> _typed = [];

    /// <summary>Every old name an upcaster reads.</summary>
    public IEnumerable<string> OldNames => _json.Keys.Concat(_typedSources.Keys);

    /// <summary>Whether an upcaster reads <paramref name="name"/>.</summary>
    public bool Upcasts(string name) => _json.ContainsKey(name) || _typedSources.ContainsKey(name);

    /// <summary>The newer name a JSON upcaster turns <paramref name="oldName"/> into, or null when none does.</summary>
    public string? JsonTarget(string oldName) => _json.TryGetValue(oldName, out var upcaster) ? upcaster.NewName : null;

    /// <summary>The old type a typed upcaster reads <paramref name="oldName"/> as, or null when none does.</summary>
    public Type? TypedSource(string oldName) => _typedSources.GetValueOrDefault(oldName);

    /// <summary>The newer type a typed upcaster turns <paramref name="oldType"/> into, or null when none does.</summary>
    public Type? TypedTarget(Type oldType) => _typed.TryGetValue(oldType, out var upcaster) ? upcaster.NewType : null;

    /// <summary>Bodies under <paramref name="oldName"/> are read as <typeparamref name="TOld"/> and converted by <paramref name="upcast"/>.</summary>
    public void AddTyped<TOld, TNew>(string oldName, Func<TOld, TNew> upcast)
        where TOld : notnull
        where TNew : notnull
    {
        EnsureNotUpcast(oldName);
        // Typed upcasters chain by type (the TNew of one is the TOld of the next), so one old type has one upcaster.
        if (_typed.ContainsKey(typeof(TOld)))
        {
            throw new InvalidOperationException($"{typeof(TOld)} is already upcast; an old type has one upcaster.");
        }

        _typedSources[oldName] = typeof(TOld);
        _typed[typeof(TOld)] = (typeof(TNew), old => upcast((TOld)old));
    }

    /// <summary>Bodies under <paramref name="oldName"/> have their JSON changed by <paramref name="upcast"/> and are then read as <paramref name="newName"/>.</summary>
    public void AddJson(string oldName, string newName, Func<JsonObject, JsonObject> upcast)
    {
        EnsureNotUpcast(oldName);
        _json[oldName] = (newName, upcast);
    }

    /// <summary>
    /// The names and types a body under <paramref name="name"/> passes through when nothing stops it: the names of its
    /// JSON upcasters (from <paramref name="name"/> on), then the types of its typed upcasters (from the type of the
    /// last name, as <paramref name="registered"/> or a typed upcaster gives it; none when it has no type).
    /// </summary>
    /// <exception cref="InvalidOperationException">The upcasters form a loop.</exception>
    public (IReadOnlyList<string> Names, IReadOnlyList<Type> Types) PathOf(string name, Func<string, Type?> registered)
    {
        var names = new List<string> { name };
        for (var next = JsonTarget(name); next is not null; next = JsonTarget(next))
        {
            names.Add(next);
            ThrowIfLoop(names);
        }

        var types = new List<Type>();
        for (var type = registered(names[^1]) ?? TypedSource(names[^1]); type is not null; type = TypedTarget(type))
        {
            types.Add(type);
            ThrowIfLoop(types);
        }

        return (names, types);
    }

    /// <summary>
    /// Reads a body that came under <paramref name="name"/>: runs its JSON upcasters, reads the result as the type of
    /// the name they end at, then runs typed upcasters until <paramref name="stopAt"/> holds for the type reached or
    /// none is left. Null when the name reaches no type.
    /// </summary>
    /// <returns>The object and the type it was read or upcast as (the declared type, which handlers are found by).</returns>
    public (object Value, Type Type)? Read<TReader>(string name, ReadOnlyMemory<byte> body, TReader reader, Func<Type, bool> stopAt)
        where TReader : IUpcastReader
    {
        var current = name;
        JsonObject? json = null;
        var step = 0;
        for (; _json.TryGetValue(current, out var upcaster); step++)
        {
            GuardSteps(step, name);
            json = upcaster.Upcast(json ?? reader.Parse(body));
            current = upcaster.NewName;
        }

        if ((reader.TypeOf(current) ?? TypedSource(current)) is not { } type)
        {
            return null;
        }

        var value = reader.Deserialize(json is null ? body : Utf8(json), type);
        for (; !stopAt(type) && _typed.TryGetValue(type, out var upcaster); step++)
        {
            GuardSteps(step, name);
            value = upcaster.Upcast(value);
            type = upcaster.NewType;
        }

        return (value, type);
    }

    private static ReadOnlyMemory<byte> Utf8(JsonObject json)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            json.WriteTo(writer);
        }

        return buffer.WrittenMemory;
    }

    private static void ThrowIfLoop<T>(List<T> path)
        where T : notnull
    {
        if (path.IndexOf(path[^1]) < path.Count - 1)
        {
            throw new InvalidOperationException($"The upcasters form a loop: {string.Join(" → ", path.Select(p => p is Type t ? t.Name : p.ToString()))}.");
        }
    }

    private static void GuardSteps(int step, string name)
    {
        if (step >= MaxSteps)
        {
            throw new InvalidOperationException($"Upcasting '{name}' did not end after {MaxSteps} steps: the upcasters form a loop.");
        }
    }

    private void EnsureNotUpcast(string oldName)
    {
        if (Upcasts(oldName))
        {
            throw new InvalidOperationException($"'{oldName}' is already upcast; a name has one upcaster.");
        }
    }
}
