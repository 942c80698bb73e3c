namespace Switchboard.Sqlite.Events;

/// <summary>
/// The event store's key among the file's <see cref="QueueSignals"/>: the writer pulses it after a commit that
/// appended events, and the change watcher pulses every key when another process commits. It cannot clash with a
/// queue name (a NUL character).
/// </summary>
internal static class EventSignal
{
    public const string Key = "\0sb-events";
}
