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
            return reader.WasHandled.Bind(1, endpoint).Bind(2, messageId).QueryFirst(static _ => true, false);
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
            var row = reader.LoadSaga.Bind(1, saga).Bind(2, key).QueryFirst<(long Version, string State, bool Completed)?>(
                static r => (r.Int64(0), r.Text(1), r.Int64(2) != 0), null);
            return row is { } found ? new SagaRecord(saga, key, found.Version, found.State, found.Completed) : null;
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
            // Their named parameters are numbered in order of appearance: $endpoint, $id and $saga, $key are 1, 2.
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
