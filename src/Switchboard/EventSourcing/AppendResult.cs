namespace Switchboard.EventSourcing;

/// <summary>What an append did.</summary>
/// <param name="StreamVersion">The stream's version after the appended events (the version of the last one).</param>
/// <param name="Position">The global position of the last appended event.</param>
/// <param name="AlreadyAppended">
/// True when every event id of the batch was already in the stream, in that order, from an earlier append: nothing
/// was written and the versions and position are those of that earlier append.
/// </param>
public readonly record struct AppendResult(long StreamVersion, long Position, bool AlreadyAppended = false);
