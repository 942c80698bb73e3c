using Switchboard.EventSourcing;
using Switchboard.Sqlite.Writing;

namespace Switchboard.Sqlite.Events;

/// <summary>One append, group-committed with whatever else the writer has waiting; it fails alone.</summary>
internal sealed class AppendOperation(string streamId, ExpectedVersion expected, IReadOnlyList<EventData> events) : WriteOperation<AppendResult>
{
    public override void Execute(WriteBatch batch) => Result = EventWrites.Append(batch, streamId, expected, events);
}
