namespace Switchboard.EventSourcing;

/// <summary>An aggregate's state at a stream version, so loading it reads only the events after that version.</summary>
/// <param name="StreamId">The aggregate's stream.</param>
/// <param name="Version">The stream version the state includes.</param>
/// <param name="Type">What the state is: the aggregate's state type and the snapshot's schema version; a load ignores a snapshot of another type.</param>
/// <param name="Data">The state as UTF-8 JSON.</param>
public sealed record Snapshot(string StreamId, long Version, string Type, ReadOnlyMemory<byte> Data);
