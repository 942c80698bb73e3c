namespace Switchboard.EventSourcing;

/// <summary>What an append expects of its stream; when the stream is not in that state the append fails with <see cref="WrongExpectedVersionException"/>.</summary>
public enum ExpectedVersionKind
{
    /// <summary>Append whatever the stream's state.</summary>
    Any,

    /// <summary>The stream must not exist yet (it has no events).</summary>
    NoStream,

    /// <summary>The stream must already have at least one event.</summary>
    StreamExists,

    /// <summary>The stream must be at exactly <see cref="ExpectedVersion.Value"/> (its number of events).</summary>
    Exact,
}

/// <summary>
/// The expected state of a stream for an append (optimistic concurrency). Stream versions count events: a stream's
/// first event has version 1, and a stream at version N has N events, so <c>Exact(0)</c> means the same as
/// <see cref="NoStream"/>. An aggregate loaded at version N appends with <c>Exact(N)</c>.
/// </summary>
public readonly record struct ExpectedVersion
{
    private ExpectedVersion(ExpectedVersionKind kind, long value)
    {
        Kind = kind;
        Value = value;
    }

    /// <summary>Append whatever the stream's state.</summary>
    public static ExpectedVersion Any { get; } = new(ExpectedVersionKind.Any, -1);

    /// <summary>The stream must not exist.</summary>
    public static ExpectedVersion NoStream { get; } = new(ExpectedVersionKind.NoStream, 0);

    /// <summary>The stream must exist.</summary>
    public static ExpectedVersion StreamExists { get; } = new(ExpectedVersionKind.StreamExists, -1);

    /// <summary>What the stream must be in.</summary>
    public ExpectedVersionKind Kind { get; }

    /// <summary>The exact version (number of events) for <see cref="ExpectedVersionKind.Exact"/> and 0 for <see cref="ExpectedVersionKind.NoStream"/>; -1 otherwise.</summary>
    public long Value { get; }

    /// <summary>The stream must have exactly <paramref name="version"/> events (0: must not exist).</summary>
    public static ExpectedVersion Exact(long version)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(version);
        return version == 0 ? NoStream : new(ExpectedVersionKind.Exact, version);
    }

    /// <summary>Whether a stream currently at <paramref name="currentVersion"/> (0: no stream) satisfies this expectation.</summary>
    public bool IsSatisfiedBy(long currentVersion) => Kind switch
    {
        ExpectedVersionKind.Any => true,
        ExpectedVersionKind.NoStream => currentVersion == 0,
        ExpectedVersionKind.StreamExists => currentVersion > 0,
        _ => currentVersion == Value,
    };

    /// <inheritdoc />
    public override string ToString() => Kind switch
    {
        ExpectedVersionKind.Exact => $"version {Value}",
        ExpectedVersionKind.NoStream => "no stream",
        ExpectedVersionKind.StreamExists => "stream exists",
        _ => "any",
    };
}
