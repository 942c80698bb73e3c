using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Switchboard.Messages;

/// <summary>
/// The explicit mapping between stable message type names and CLR types, and the upcasters that read messages sent
/// under an old name as a newer type. Nothing that arrives on the wire can make the process load or construct a type
/// that is not registered or upcast here.
/// </summary>
public sealed class MessageTypeRegistry
{
    private readonly FrozenDictionary<string, Type> _byName;
    private readonly FrozenDictionary<Type, string> _byType;

    /// <summary>Creates a registry from name/type pairs. Names and types must each be unique.</summary>
    public MessageTypeRegistry(IEnumerable<KeyValuePair<string, Type>> registrations)
        : this(registrations, new Upcasters())
    {
    }

    /// <summary>Creates a registry from name/type pairs and the upcasters of old names (see <see cref="UpcastRules"/>).</summary>
    internal MessageTypeRegistry(IEnumerable<KeyValuePair<string, Type>> registrations, Upcasters upcasters)
    {
        var byName = new Dictionary<string, Type>(StringComparer.Ordinal);
        var byType = new Dictionary<Type, string>();
        foreach (var (name, type) in registrations)
        {
            ValidateName(name);
            if (byName.TryGetValue(name, out var existing) && existing != type)
            {
                throw new InvalidOperationException($"Message type name '{name}' is registered for both {existing} and {type}.");
            }

            if (byType.TryGetValue(type, out var existingName) && existingName != name)
            {
                throw new InvalidOperationException($"{type} is registered under both '{existingName}' and '{name}'.");
            }

            byName[name] = type;
            byType[type] = name;
        }

        _byName = byName.ToFrozenDictionary(StringComparer.Ordinal);
        _byType = byType.ToFrozenDictionary();
        UpcastRules.ThrowIfBroken(upcasters, this);
        Upcasters = upcasters;
        Upcasts = upcasters.OldNames.ToFrozenDictionary(name => name, upcasters.TypedSource, StringComparer.Ordinal);
    }

    /// <summary>All registered names: those a message can be sent and published under.</summary>
    public IEnumerable<string> Names => _byName.Keys;

    /// <summary>
    /// The old names read through an upcaster, each with the type its body is read as before it is upcast: the old type
    /// of a typed upcaster (<see cref="Configuration.SwitchboardBuilder.Upcast{TOld, TNew}"/>), or null for a JSON
    /// upcaster (<see cref="Configuration.SwitchboardBuilder.UpcastJson"/>), whose old type may be gone from the code.
    /// </summary>
    public IReadOnlyDictionary<string, Type?> Upcasts { get; }

    /// <summary>Every name a message can arrive under and still be read: registered names and upcast old names.</summary>
    public IEnumerable<string> ReadableNames => _byName.Keys.Union(Upcasts.Keys, StringComparer.Ordinal);

    /// <summary>Whether a message that arrives under <paramref name="name"/> can be read (registered, or upcast).</summary>
    public bool CanRead(string name) => _byName.ContainsKey(name) || Upcasts.ContainsKey(name);

    /// <summary>The upcasters, which the receive pipeline runs.</summary>
    internal Upcasters Upcasters { get; }

    /// <summary>
    /// The type a message that arrives under <paramref name="name"/> is handed to handlers as, at an endpoint that
    /// handles the types <paramref name="handles"/> holds for: the first type on its upcast path that the endpoint
    /// handles (its own registered type first), or null when it reaches none.
    /// </summary>
    internal Type? DeliveredAs(string name, Func<Type, bool> handles) =>
        Upcasters.PathOf(name, RegisteredType).Types.FirstOrDefault(handles);

    /// <summary>The type registered under <paramref name="name"/>, or null.</summary>
    internal Type? RegisteredType(string name) => _byName.GetValueOrDefault(name);

    /// <summary>Finds the CLR type registered for a name that came off the wire.</summary>
    public bool TryGetType(string name, [NotNullWhen(true)] out Type? type) => _byName.TryGetValue(name, out type);

    /// <summary>Finds the name registered for a CLR type.</summary>
    public bool TryGetName(Type type, [NotNullWhen(true)] out string? name) => _byType.TryGetValue(type, out name);

    /// <summary>The name registered for a CLR type; throws when the type is not registered.</summary>
    public string GetName(Type type) =>
        _byType.TryGetValue(type, out var name)
            ? name
            : throw new UnregisteredMessageTypeException($"{type} is not a registered message type. Register it with builder.Message<{type.Name}>(\"a.stable.name.v1\").");

    /// <summary>Checks that a type name is usable on every transport (routing keys, table columns, header values).</summary>
    public static void ValidateName(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Length > 200)
        {
            throw new ArgumentException($"Message type name '{name}' is longer than 200 characters.", nameof(name));
        }

        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
            {
                throw new ArgumentException($"Message type name '{name}' may only contain ASCII letters, digits, '.', '-' and '_'.", nameof(name));
            }
        }
    }
}
