using Npgsql;
using Shop.Http;

namespace Shop.AppHost;

/// <summary>
/// What exists before any service process starts, done as an operator would and safe to do again: the PostgreSQL
/// database, the broker's vhost, topology and one least-privilege user per service (the shipped <c>shop
/// broker-users</c>, whose files give each service its AMQP URI), and the development signing key that every process
/// validates tokens with.
/// </summary>
public static class Provisioning
{
    /// <summary>Provisions everything; returns each service's AMQP URI.</summary>
    public static async Task<IReadOnlyDictionary<string, Uri>> RunAsync(ShopExecutable shop, ShopServers servers, AppHostOptions options, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.DataDirectory);
        DevelopmentSigningKey.LoadOrCreate(options.SigningKeyFile);
        await CreateDatabaseAsync(servers.Postgres, options.Database, cancellationToken);

        var users = Path.Combine(options.DataDirectory, "broker-users");
        await shop.RunAsync(
            ["broker-users", "--amqp", servers.AmqpFor(options.Vhost).ToString(), "--out", users, "--user-prefix", options.BrokerUserPrefix],
            new Dictionary<string, string> { [ShopServers.ManagementVariable] = servers.Management.ToString() },
            cancellationToken);
        return ShopLayout.Services.ToDictionary(s => s, s => ReadUri(Path.Combine(users, s + ".env")), StringComparer.Ordinal);
    }

    private static async Task CreateDatabaseAsync(string connectionString, string database, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var fsync = new NpgsqlCommand("SHOW fsync", connection);
        if (await fsync.ExecuteScalarAsync(cancellationToken) is "off")
        {
            Console.Error.WriteLine("shop-apphost: PostgreSQL runs with fsync off (a server started for the tests?): its commits do not survive a power loss.");
        }

        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection) { Parameters = { new() { Value = database } } };
        if (await exists.ExecuteScalarAsync(cancellationToken) is null)
        {
            var quoted = "\"" + database.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
            await using var create = new NpgsqlCommand("CREATE DATABASE " + quoted, connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    // The file shop broker-users writes: one line, SWITCHBOARD_RABBITMQ_URI=amqp://user:password@host:port/vhost.
    private static Uri ReadUri(string file)
    {
        const string Prefix = ShopServers.AmqpVariable + "=";
        var line = File.ReadLines(file).SingleOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{file} does not name {ShopServers.AmqpVariable}.");
        return new Uri(line[Prefix.Length..]);
    }
}
