using System.Collections.Concurrent;

namespace Switchboard.Sqlite.Events;

/// <summary>
/// The event store's reader connections, kept open with their statements prepared (opening one, with its pragmas,
/// costs more than most reads). At most <see cref="MostKept"/> stay open; a burst beyond that opens and closes
/// extra ones.
/// </summary>
internal sealed class EventReaders(SqliteConnections connections) : IDisposable
{
    private const int MostKept = 16;
    private readonly ConcurrentBag<EventReader> _idle = [];
    private bool _disposed;

    public T Use<T>(Func<EventReader, T> read)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var reader = _idle.TryTake(out var idle) ? idle : new EventReader(connections.Open());
        try
        {
            return read(reader);
        }
        finally
        {
            if (_idle.Count < MostKept && !_disposed)
            {
                _idle.Add(reader);
            }
            else
            {
                reader.Dispose();
            }
        }
    }

    public void Dispose()
    {
        _disposed = true;
        while (_idle.TryTake(out var reader))
        {
            reader.Dispose();
        }
    }
}
