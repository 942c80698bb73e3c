namespace Switchboard.EventSourcing;

/// <summary>A stored event's type name is neither mapped nor upcast by the <see cref="EventTypeMap"/>.</summary>
public sealed class UnknownEventTypeException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public UnknownEventTypeException(string type)
        : base($"Event type '{type}' is not mapped. Map it with Map<T>(\"{type}\") or upcast it with Upcast/UpcastJson.") => Type = type;

    /// <summary>The stored type name.</summary>
    public string Type { get; }
}
