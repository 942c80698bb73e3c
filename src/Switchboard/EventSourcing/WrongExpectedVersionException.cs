using Switchboard.Persistence;

namespace Switchboard.EventSourcing;

/// <summary>
/// An append's expected version did not match the stream: another writer appended first. Load again, decide again
/// and append again (the aggregate repository's <c>HandleAsync</c> does this). As a
/// <see cref="ConcurrencyConflictException"/>, it makes a transactional endpoint rerun the message at once.
/// </summary>
public sealed class WrongExpectedVersionException : ConcurrencyConflictException
{
    /// <summary>Creates the exception.</summary>
    public WrongExpectedVersionException(string streamId, ExpectedVersion expected, long actualVersion)
        : base($"Stream '{streamId}' was expected at {expected} but is at version {actualVersion}.")
    {
        StreamId = streamId;
        Expected = expected;
        ActualVersion = actualVersion;
    }

    /// <summary>The stream.</summary>
    public string StreamId { get; }

    /// <summary>What the append expected.</summary>
    public ExpectedVersion Expected { get; }

    /// <summary>The stream's version when the append was refused (0: no stream); -1 when the store could not tell.</summary>
    public long ActualVersion { get; }
}
