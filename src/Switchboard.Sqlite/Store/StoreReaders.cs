using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Switchboard.Persistence;

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
            reader.WasHandled.Parameters[0].Value = endpoint;
            reader.WasHandled.Parameters[1].Value = messageId;
            return reader.WasHandled.ExecuteScalar() is not null;
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
            reader.LoadSaga.Parameters[0].Value = saga;
            reader.LoadSaga.Parameters[1].Value = key;
            using var rows = reader.LoadSaga.ExecuteReader();
            return rows.Read() ? new SagaRecord(saga, key, rows.GetInt64(0), rows.GetString(1), rows.GetInt64(2) != 0) : null;
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
            WasHandled = Command(StoreCommands.WasHandledSql, "$endpoint", "$id");
            LoadSaga = Command(StoreCommands.LoadSagaSql, "$saga", "$key");
        }

        public SqliteConnection Connection { get; }

        public SqliteCommand WasHandled { get; }

        public SqliteCommand LoadSaga { get; }

        public void Dispose()
        {
            WasHandled.Dispose();
            LoadSaga.Dispose();
            Connection.Dispose();
        }

        private SqliteCommand Command(string sql, params string[] parameters)
        {
            var command = Connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            return command;
        }
    }
}
