using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Messages;

namespace Switchboard.EventSourcing;

/// <summary>
/// The explicit mapping between stored event type names and CLR types, and the upcasters that turn events stored in
/// an old shape into the current one when they are read. Nothing read from the store makes the process load a type
/// that is not mapped here. Configure it once at start-up; reading and writing are then thread-safe.
/// </summary>
/// <remarks>
/// Upcasters chain: a JSON upcaster maps an old name to a newer name (itself upcast again or mapped), and a typed
/// upcaster maps an old name, read as <c>TOld</c>, to a newer object (itself upcast again by type or mapped). Stored
/// events are never rewritten.
/// </remarks>
public sealed class EventTypeMap
{
    private readonly Dictionary<string, Type> _byName = new(StringComparer.Ordinal);
    private readonly Dictionary<Type, string> _byType = [];
    private readonly Upcasters _upcasters = new();

    /// <summary>Creates an empty map; <paramref name="json"/> defaults to <see cref="JsonSerializerOptions.Web"/>.</summary>
    public EventTypeMap(JsonSerializerOptions? json = null) => Json = json ?? JsonSerializerOptions.Web;

    /// <summary>How event data is serialized.</summary>
    public JsonSerializerOptions Json { get; }

    /// <summary>Every name a stored event can have and still be read: mapped names and upcast old names.</summary>
    public IEnumerable<string> ReadableNames => _byName.Keys.Concat(_upcasters.OldNames);

    /// <summary>Maps <typeparamref name="TEvent"/> to its stable stored name, e.g. <c>order-placed</c>.</summary>
    public EventTypeMap Map<TEvent>(string name)
        where TEvent : notnull
    {
        MessageTypeRegistry.ValidateName(name);
        EnsureNameFree(name, typeof(TEvent));
        if (_byType.TryGetValue(typeof(TEvent), out var existing) && existing != name)
        {
            throw new InvalidOperationException($"{typeof(TEvent)} is mapped to both '{existing}' and '{name}'.");
        }

        _byName[name] = typeof(TEvent);
        _byType[typeof(TEvent)] = name;
        return this;
    }

    /// <summary>
    /// Events stored as <paramref name="oldName"/> are read as <typeparamref name="TOld"/> and turned into a
    /// <typeparamref name="TNew"/> by <paramref name="upcast"/>. <typeparamref name="TNew"/> must be mapped, or be
    /// upcast further by type.
    /// </summary>
    public EventTypeMap Upcast<TOld, TNew>(string oldName, Func<TOld, TNew> upcast)
        where TOld : notnull
        where TNew : notnull
    {
        MessageTypeRegistry.ValidateName(oldName);
        ArgumentNullException.ThrowIfNull(upcast);
        EnsureNameFree(oldName, null);
        _upcasters.AddTyped(oldName, upcast);
        return this;
    }

    /// <summary>
    /// Events stored as <paramref name="oldName"/> have their JSON changed by <paramref name="upcast"/> and are then
    /// read as <paramref name="newName"/> (mapped, or upcast further).
    /// </summary>
    public EventTypeMap UpcastJson(string oldName, string newName, Func<JsonObject, JsonObject> upcast)
    {
        MessageTypeRegistry.ValidateName(oldName);
        MessageTypeRegistry.ValidateName(newName);
        ArgumentNullException.ThrowIfNull(upcast);
        EnsureNameFree(oldName, null);
        _upcasters.AddJson(oldName, newName, upcast);
        return this;
    }

    /// <summary>Finds the stored name of a mapped type.</summary>
    public bool TryGetName(Type type, [NotNullWhen(true)] out string? name) => _byType.TryGetValue(type, out name);

    /// <summary>The stored name of a mapped type; throws when it is not mapped.</summary>
    public string GetName(Type type) =>
        _byType.TryGetValue(type, out var name)
            ? name
            : throw new InvalidOperationException($"{type} is not a mapped event type. Map it with Map<{type.Name}>(\"a-stable-name\").");

    /// <summary>Whether events stored under <paramref name="storedType"/> can be read.</summary>
    public bool CanRead(string storedType) =>
        _byName.ContainsKey(storedType) || _upcasters.Upcasts(storedType);

    /// <summary>An event object as data to append, with a new event id unless one is given.</summary>
    public EventData ToEventData(object @event, string? eventId = null, EventMetadata? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var type = @event.GetType();
        return new EventData(eventId ?? MessageIds.New(), GetName(type), JsonSerializer.SerializeToUtf8Bytes(@event, type, Json), metadata ?? EventMetadata.Empty);
    }

    /// <summary>A recorded event as the current CLR object, upcast as needed; throws <see cref="UnknownEventTypeException"/> for an unmapped type.</summary>
    public object Deserialize(RecordedEvent recorded) =>
        TryDeserialize(recorded, out var @event) ? @event : throw new UnknownEventTypeException(recorded.Type);

    /// <summary>A recorded event as the current CLR object, upcast as needed; false when its type is not mapped.</summary>
    public bool TryDeserialize(RecordedEvent recorded, [NotNullWhen(true)] out object? @event)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        // Stored events are upcast as far as their upcasters go: only the current types are mapped.
        if (_upcasters.Read(recorded.Type, recorded.Data, new StoredEvent(this, recorded), static _ => false) is not { } read)
        {
            @event = null;
            return false;
        }

        if (!_byType.ContainsKey(read.Value.GetType()))
        {
            throw new InvalidOperationException($"Upcasting '{recorded.Type}' ended with {read.Value.GetType()}, which is not a mapped event type.");
        }

        @event = read.Value;
        return true;
    }

    private void EnsureNameFree(string name, Type? mappedType)
    {
        if ((_byName.TryGetValue(name, out var existing) && existing != mappedType) || _upcasters.Upcasts(name))
        {
            throw new InvalidOperationException($"Event type name '{name}' is already mapped or upcast.");
        }
    }

    // How the shared upcasters read one recorded event: with the map's names and JSON options, and errors naming the event.
    private readonly struct StoredEvent(EventTypeMap map, RecordedEvent recorded) : IUpcastReader
    {
        public Type? TypeOf(string name) => map._byName.GetValueOrDefault(name);

        public JsonObject Parse(ReadOnlyMemory<byte> body) =>
            JsonNode.Parse(body.Span) as JsonObject
            ?? throw new JsonException($"Event {recorded.EventId} of type '{recorded.Type}' is not a JSON object.");

        public object Deserialize(ReadOnlyMemory<byte> body, Type type) =>
            JsonSerializer.Deserialize(body.Span, type, map.Json)
            ?? throw new JsonException($"Event {recorded.EventId} of type '{recorded.Type}' is JSON null.");
    }
}
