using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Switchboard.Persistence;
using Switchboard.Sqlite.Writing;

namespace Switchboard.Sqlite.Store;

/// <summary>
/// Reader connections of the store, kept open with their two statements prepared: the inbox check and the saga
/// load run for nearly every message, and opening a connection (with its pragmas) each time cost more than the
/// query. At most <see cref="MostKept"/> are kept; a burst beyond that opens and closes extra ones.
/// </summary>
internal sealed class StoreReaders(SqliteConnections connections) : IDisposable
{
    private const int MostKept = 16;
    private readonly ConcurrentBag<Reader> _idle = [];

    public bool WasHandled(string endpoint, string messageId)
    {
        var reader = Rent();
        try
        {
            return StoreCommands.WasHandled(reader.WasHandled, endpoint, messageId);
        }
        finally
        {
            Return(reader);
        }
    }

    public SagaRecord? LoadSaga(string saga, string key)
    {
        var reader = Rent();
        try
        {
            return StoreCommands.LoadSaga(reader.LoadSaga, saga, key);
        }
        finally
        {
            Return(reader);
        }
    }

    public void Dispose()
    {
        while (_idle.TryTake(out var reader))
        {
            reader.Dispose();
        }
    }

    private Reader Rent() => _idle.TryTake(out var reader) ? reader : new Reader(connections.Open());

    private void Return(Reader reader)
    {
        if (_idle.Count < MostKept)
        {
            _idle.Add(reader);
        }
        else
        {
            reader.Dispose();
        }
    }

    private sealed class Reader : IDisposable
    {
        public Reader(SqliteConnection connection)
        {
            Connection = connection;
            WasHandled = new RawStatement(connection, StoreCommands.WasHandledSql);
            LoadSaga = new RawStatement(connection, StoreCommands.LoadSagaSql);
        }

        public SqliteConnection Connection { get; }

        public RawStatement WasHandled { get; }

        public RawStatement LoadSaga { get; }

        public void Dispose()
        {
            WasHandled.Dispose();
            LoadSaga.Dispose();
            Connection.Dispose();
        }
    }
}
