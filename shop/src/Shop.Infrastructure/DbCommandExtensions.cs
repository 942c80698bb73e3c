using System.Data.Common;
using Switchboard.Persistence;

namespace Shop.Infrastructure;

/// <summary>Positional parameters (<c>@p0</c>, <c>@p1</c>, …) on SQLite and PostgreSQL commands alike.</summary>
public static class DbCommandExtensions
{
    /// <summary>A command on <paramref name="connection"/> (in <paramref name="transaction"/>) with <paramref name="parameters"/> bound to <c>@p0</c>, <c>@p1</c>, ….</summary>
    public static DbCommand Command(this DbConnection connection, DbTransaction? transaction, string sql, params object?[] parameters) =>
        PositionalCommand.Create(connection, transaction, sql, parameters);
}
