namespace Switchboard.Messages;

/// <summary>
/// What crosses the wire: the envelope fields every transport carries, plus the serialized body.
/// Immutable; use <c>with</c> to derive a changed copy.
/// </summary>
public sealed record Envelope
{
    /// <summary>Unique id of this message.</summary>
    public required string MessageId { get; init; }

    /// <summary>The stable, registered type name (e.g. <c>shop.order-created.v1</c>), never a CLR type name.</summary>
    public required string MessageType { get; init; }

    /// <summary>The business conversation this message belongs to.</summary>
    public string? CorrelationId { get; init; }

    /// <summary>The id of the message whose handling produced this one.</summary>
    public string? CausationId { get; init; }

    /// <summary>W3C trace context <c>traceparent</c> of the span that produced this message.</summary>
    public string? TraceParent { get; init; }

    /// <summary>When the producer sent the message.</summary>
    public DateTimeOffset SentAt { get; init; }

    /// <summary>MIME type of <see cref="Body"/>.</summary>
    public string ContentType { get; init; } = "application/json";

    /// <summary>Free headers. Framework headers start with <c>sb-</c>.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = EmptyHeaders;

    /// <summary>The serialized message.</summary>
    public ReadOnlyMemory<byte> Body { get; init; }

    /// <summary>A shared, empty header set.</summary>
    public static IReadOnlyDictionary<string, string> EmptyHeaders { get; } = new Dictionary<string, string>();

    /// <summary>Returns a copy with one header set (added or replaced).</summary>
    public Envelope WithHeader(string name, string value)
    {
        var headers = new Dictionary<string, string>(Headers) { [name] = value };
        return this with { Headers = headers };
    }

    /// <summary>Returns a copy with the given headers set (added or replaced).</summary>
    public Envelope WithHeaders(IEnumerable<KeyValuePair<string, string>> changes)
    {
        var headers = new Dictionary<string, string>(Headers);
        foreach (var (name, value) in changes)
        {
            headers[name] = value;
        }

        return this with { Headers = headers };
    }

    /// <summary>Returns a copy without the named headers.</summary>
    public Envelope WithoutHeaders(params string[] names)
    {
        var headers = new Dictionary<string, string>(Headers);
        foreach (var name in names)
        {
            headers.Remove(name);
        }

        return this with { Headers = headers };
    }
}
