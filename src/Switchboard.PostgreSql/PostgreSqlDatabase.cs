using Npgsql;

namespace Switchboard.PostgreSql;

/// <summary>
/// The database a data source's connections reach, as its connection string names it: host (case aside), port and
/// database (Npgsql's default: the user name). Two stores on equal ones share one database, so one transaction can
/// hold the statements of both (their schemas may differ: every statement names its schema). A host written two ways
/// (<c>localhost</c>, <c>127.0.0.1</c>) counts as two: a false "different" only costs the sharing, a false "same"
/// would run one store's statements on a connection to the other's database.
/// </summary>
internal readonly record struct PostgreSqlDatabase(string Host, int Port, string? Name)
{
    public static PostgreSqlDatabase Of(NpgsqlDataSource dataSource)
    {
        var connection = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        return new((connection.Host ?? "").Trim().ToLowerInvariant(), connection.Port, connection.Database ?? connection.Username);
    }
}
