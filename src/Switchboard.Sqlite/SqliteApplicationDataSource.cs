using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Switchboard.Sqlite;

/// <summary>
/// Connections for an application's own tables in the embedded store's file: for what runs outside a handler's unit of
/// work (creating tables at start-up, an API's queries, reads of committed state). Handlers write through their unit
/// of work, so that their changes commit with the message.
/// </summary>
public static class SqliteApplicationDataSource
{
    /// <summary>
    /// A data source on the SQLite file at <paramref name="path"/>: pooled connections whose commands wait up to 30 s
    /// for the file's writer instead of failing at once. Nothing to dispose (Microsoft.Data.Sqlite pools by connection string).
    /// </summary>
    public static DbDataSource Create(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        return SqliteFactory.Instance.CreateDataSource(new SqliteConnectionStringBuilder { DataSource = path, Pooling = true, DefaultTimeout = 30 }.ToString());
    }
}
