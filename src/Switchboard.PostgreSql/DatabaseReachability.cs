using Npgsql;
using Switchboard.Persistence;

namespace Switchboard.PostgreSql;

/// <summary>
/// Tells a database that cannot be reached now (down, starting up, shutting down, out of connections, out of reach:
/// trying again later may succeed) from one that refused the connection (credentials, a missing database, a
/// certificate: only a change of configuration helps).
/// </summary>
internal static class DatabaseReachability
{
    /// <summary>Whether <paramref name="failure"/> means only that the database cannot be reached now.</summary>
    public static bool IsUnreachable(NpgsqlException failure) => failure switch
    {
        PostgresException postgres => postgres.SqlState is PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.AdminShutdown
            or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.TooManyConnections
            || postgres.SqlState.StartsWith("08", StringComparison.Ordinal),
        _ => failure.IsTransient,
    };

    /// <summary>The <see cref="StoreUnavailableException"/> for <paramref name="failure"/>: the server (never the credentials) and what went wrong.</summary>
    public static StoreUnavailableException Unavailable(NpgsqlDataSource dataSource, NpgsqlException failure)
    {
        var connection = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        return new StoreUnavailableException($"PostgreSQL at {connection.Host}:{connection.Port} cannot be reached ({Reason(failure).TrimEnd('.')}).", failure);
    }

    /// <summary>What went wrong, in the server's words or the innermost cause's: no stack trace, no connection string.</summary>
    public static string Reason(NpgsqlException failure) => failure is PostgresException postgres ? postgres.MessageText : Innermost(failure).Message;

    private static Exception Innermost(Exception exception) => exception.InnerException is { } inner ? Innermost(inner) : exception;
}
