using System.Data.Common;
using System.Globalization;

namespace Switchboard.Persistence;

/// <summary>
/// A command whose parameters are bound by position to <c>@p0</c>, <c>@p1</c>, …: the same SQL text runs on SQLite and
/// PostgreSQL (for handlers' and projections' own SQL).
/// </summary>
public static class PositionalCommand
{
    // Named with the prefix the SQL uses: SQLite then finds each parameter at once, where a bare "p0" made it try
    // "@p0", "$p0" and ":p0" (three new strings per parameter per run); PostgreSQL accepts either.
    private static readonly string[] Names = Enumerable.Range(0, 32).Select(NameOf).ToArray();

    /// <summary>The name of the parameter at <paramref name="index"/>: <c>@p0</c>, <c>@p1</c>, …</summary>
    public static string ParameterName(int index) => index < Names.Length ? Names[index] : NameOf(index);

    /// <summary>A command on <paramref name="connection"/>, in <paramref name="transaction"/>, with <paramref name="parameters"/> bound to <c>@p0</c>, <c>@p1</c>, … (null as <see cref="DBNull"/>).</summary>
    public static DbCommand Create(DbConnection connection, DbTransaction? transaction, string sql, params object?[] parameters)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(parameters);
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        Bind(command.Parameters, command.CreateParameter, parameters);
        return command;
    }

    /// <summary>Binds <paramref name="parameters"/> to <c>@p0</c>, <c>@p1</c>, … of <paramref name="command"/>, a statement of a batch (null as <see cref="DBNull"/>).</summary>
    public static TCommand Bind<TCommand>(TCommand command, params object?[] parameters)
        where TCommand : DbBatchCommand
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(parameters);
        Bind(command.Parameters, command.CreateParameter, parameters);
        return command;
    }

    private static void Bind(DbParameterCollection bound, Func<DbParameter> create, object?[] parameters)
    {
        for (var index = 0; index < parameters.Length; index++)
        {
            var parameter = create();
            parameter.ParameterName = ParameterName(index);
            parameter.Value = parameters[index] ?? DBNull.Value;
            bound.Add(parameter);
        }
    }

    private static string NameOf(int index) => "@p" + index.ToString(CultureInfo.InvariantCulture);
}
