using System.Data.Common;

namespace Shop.Infrastructure;

/// <summary>Positional parameters (<c>@p0</c>, <c>@p1</c>, …) on SQLite and PostgreSQL commands alike.</summary>
public static class DbCommandExtensions
{
    /// <summary>A command on <paramref name="connection"/> (in <paramref name="transaction"/>) with <paramref name="parameters"/> bound to <c>@p0</c>, <c>@p1</c>, ….</summary>
    public static DbCommand Command(this DbConnection connection, DbTransaction? transaction, string sql, params object?[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var index = 0; index < parameters.Length; index++)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = "p" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
            parameter.Value = parameters[index] ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
