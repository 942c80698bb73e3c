using System.Data;
using System.Reflection;
using Npgsql;

namespace Switchboard.PostgreSql;

/// <summary>
/// The store's schema, as numbered scripts embedded in this assembly (<c>Migrations/0001_inbox_outbox_sagas.sql</c>,
/// ...). <see cref="ApplyAsync"/> creates the schema when it is missing and applies the scripts that
/// <c>schema_migrations</c> does not list yet, in version order, all in one transaction that holds a transaction-level
/// advisory lock of the schema: processes starting at once wait for each other, and the first does the work.
/// </summary>
internal static class PostgreSqlMigrations
{
    /// <summary>Stands for the store's schema (a quoted identifier) in the scripts.</summary>
    public const string SchemaPlaceholder = "{schema}";

    private const string ResourcePrefix = "Switchboard.PostgreSql.Migrations.";

    /// <summary>Every script of this version of the store, in version order.</summary>
    public static IReadOnlyList<Migration> All { get; } = Load();

    /// <summary>The newest schema version this store knows.</summary>
    public static int Latest => All[^1].Version;

    /// <summary>
    /// Brings <paramref name="schema"/> up to date; returns the versions this call applied (none when it was). Throws
    /// <see cref="Persistence.StoreUnavailableException"/> when the database cannot be reached (the bus keeps trying).
    /// </summary>
    public static async Task<IReadOnlyList<int>> ApplyAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        try
        {
            return await ApplyReachableAsync(dataSource, schema, cancellationToken).ConfigureAwait(false);
        }
        catch (NpgsqlException e) when (DatabaseReachability.IsUnreachable(e))
        {
            throw DatabaseReachability.Unavailable(dataSource, e);
        }
    }

    private static async Task<IReadOnlyList<int>> ApplyReachableAsync(NpgsqlDataSource dataSource, string schema, CancellationToken cancellationToken)
    {
        var quoted = PostgreSqlNames.Quote(schema);
        var connection = await dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                // Held until the commit: a second process waits here, then finds everything applied.
                await ExecuteAsync(connection, transaction, "SELECT pg_advisory_xact_lock($1)", cancellationToken, LockKey(schema)).ConfigureAwait(false);

                // CREATE SCHEMA IF NOT EXISTS would still need the CREATE privilege on the database: ask first, so that
                // a role that may only use an existing schema can start.
                if (!await ScalarAsync<bool>(connection, transaction, "SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = $1)", cancellationToken, schema).ConfigureAwait(false))
                {
                    await ExecuteAsync(connection, transaction, $"CREATE SCHEMA {quoted}", cancellationToken).ConfigureAwait(false);
                }

                // Likewise CREATE TABLE IF NOT EXISTS needs the CREATE privilege on the schema: a role with only USAGE
                // (and its tables' DML) starts as long as there is nothing to apply.
                if (!await ScalarAsync<bool>(connection, transaction, "SELECT to_regclass($1) IS NOT NULL", cancellationToken, quoted + ".schema_migrations").ConfigureAwait(false))
                {
                    await ExecuteAsync(
                        connection,
                        transaction,
                        $"CREATE TABLE {quoted}.schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL)",
                        cancellationToken).ConfigureAwait(false);
                }

                var applied = new HashSet<int>();
                var select = new NpgsqlCommand($"SELECT version FROM {quoted}.schema_migrations", connection, transaction);
                await using (select.ConfigureAwait(false))
                {
                    var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                    await using (reader.ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                        {
                            applied.Add(reader.GetInt32(0));
                        }
                    }
                }

                var appliedNow = new List<int>();
                foreach (var migration in All.Where(m => !applied.Contains(m.Version)))
                {
                    try
                    {
                        await ExecuteAsync(connection, transaction, migration.Sql(quoted), cancellationToken).ConfigureAwait(false);
                    }
                    catch (PostgresException e)
                    {
                        throw new InvalidOperationException($"PostgreSQL store: migration {migration.Name} of schema {quoted} failed: {e.MessageText}", e);
                    }

                    await ExecuteAsync(
                        connection,
                        transaction,
                        $"INSERT INTO {quoted}.schema_migrations (version, applied_at) VALUES ($1, clock_timestamp())",
                        cancellationToken,
                        migration.Version).ConfigureAwait(false);
                    appliedNow.Add(migration.Version);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return appliedNow;
            }
        }
    }

    /// <summary>The advisory lock of a schema's migrations: a stable 64-bit hash (FNV-1a) of its name, the same in every process.</summary>
    public static long LockKey(string schema) => unchecked((long)StableHash.Of("switchboard.postgresql.migrations:" + schema));

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            foreach (var value in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params object[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            foreach (var value in parameters)
            {
                command.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            return (T)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    private static List<Migration> Load()
    {
        var assembly = typeof(PostgreSqlMigrations).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            var name = resource[ResourcePrefix.Length..];
            var digits = name.TakeWhile(char.IsAsciiDigit).Count();
            if (digits == 0 || !int.TryParse(name.AsSpan(0, digits), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version))
            {
                throw new InvalidOperationException($"PostgreSQL store: migration script {name} does not start with its version number.");
            }

            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var text = new StreamReader(stream);
            migrations.Add(new Migration(version, name, text.ReadToEnd()));
        }

        migrations.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < migrations.Count; i++)
        {
            if (migrations[i].Version != i + 1)
            {
                throw new InvalidOperationException($"PostgreSQL store: migration scripts must be numbered 1, 2, 3, ... without gaps or repeats; found {string.Join(", ", migrations.Select(m => m.Name))}.");
            }
        }

        return migrations;
    }

    /// <summary>One script.</summary>
    /// <param name="Version">Its number (the file name's leading digits).</param>
    /// <param name="Name">Its file name.</param>
    /// <param name="Template">Its text, with <see cref="SchemaPlaceholder"/> for the schema.</param>
    internal sealed record Migration(int Version, string Name, string Template)
    {
        /// <summary>The script for one schema.</summary>
        public string Sql(string quotedSchema) => Template.Replace(SchemaPlaceholder, quotedSchema, StringComparison.Ordinal);
    }
}
