using System.Net.Http.Headers;
using System.Text;
using Npgsql;

namespace Shop.Distributed.Tests;

/// <summary>
/// The RabbitMQ node and PostgreSQL server the test command started (scripts/test.sh, via scripts/services/*.sh): their
/// addresses come from the environment. Missing, the test fails loudly; it never skips. Each test gets a vhost and a
/// database of its own, dropped at the end.
/// </summary>
internal static class TestServers
{
    private static readonly Lazy<HttpClient> Management = new(CreateManagementClient);

    public static Uri AmqpUri => new(Required("SWITCHBOARD_RABBITMQ_URI"));

    /// <summary>The management API, with an administrator's credentials.</summary>
    public static Uri ManagementUri => new(Required("SWITCHBOARD_RABBITMQ_MANAGEMENT"));

    public static string PostgresConnection => Required("SWITCHBOARD_POSTGRES_CONNECTION");

    /// <summary>The AMQP URI of the test user on <paramref name="vhost"/>.</summary>
    public static Uri AmqpUriFor(string vhost) => new UriBuilder(AmqpUri) { Path = "/" + Uri.EscapeDataString(vhost) }.Uri;

    /// <summary>The connection string of the test role on <paramref name="database"/>, each pool at most <paramref name="maxPoolSize"/> connections.</summary>
    public static string PostgresConnectionFor(string database, int maxPoolSize) =>
        new NpgsqlConnectionStringBuilder(PostgresConnection) { Database = database, MaxPoolSize = maxPoolSize }.ToString();

    /// <summary>Creates a vhost to which the test user has full permissions (management API, as administrator).</summary>
    public static async Task CreateVhostAsync(string vhost)
    {
        var name = Uri.EscapeDataString(vhost);
        (await Management.Value.PutAsync($"api/vhosts/{name}", Json("{}"))).EnsureSuccessStatusCode();
        var user = Uri.EscapeDataString(Uri.UnescapeDataString(AmqpUri.UserInfo.Split(':')[0]));
        (await Management.Value.PutAsync($"api/permissions/{name}/{user}", Json("""{"configure":".*","write":".*","read":".*"}"""))).EnsureSuccessStatusCode();
    }

    public static async Task DeleteVhostAsync(string vhost) => await Management.Value.DeleteAsync($"api/vhosts/{Uri.EscapeDataString(vhost)}");

    public static async Task DeleteUserAsync(string user) => await Management.Value.DeleteAsync($"api/users/{Uri.EscapeDataString(user)}");

    public static async Task CreateDatabaseAsync(string database)
    {
        await using var connection = new NpgsqlConnection(PostgresConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task DropDatabaseAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(PostgresConnection);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await command.ExecuteNonQueryAsync();
                return;
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 50)
            {
                // FORCE may not terminate a backend of another role that is still connected (an autovacuum worker, the
                // last connection of a service process on its way out): it goes soon, so the drop is tried again.
                await Task.Delay(100);
            }
        }
    }

    /// <summary>Waits until no broker connection belongs to a user whose name starts with <paramref name="userPrefix"/>; throws with their names when the time is up.</summary>
    public static async Task WaitForNoConnectionsAsync(string userPrefix, TimeSpan patience)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            var json = await Management.Value.GetStringAsync("api/connections?columns=name,user");
            var users = System.Text.Json.JsonDocument.Parse(json).RootElement.EnumerateArray()
                .Select(c => c.GetProperty("user").GetString() ?? "").Where(u => u.StartsWith(userPrefix, StringComparison.Ordinal)).ToList();
            if (users.Count == 0)
            {
                return;
            }

            Assert.True(clock.Elapsed < patience, $"{users.Count} broker connection(s) still open after {patience}: {string.Join(", ", users)}");
            await Task.Delay(500);
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static HttpClient CreateManagementClient()
    {
        var management = ManagementUri;
        var client = new HttpClient { BaseAddress = new UriBuilder(management) { UserName = "", Password = "", Path = "/" }.Uri };
        var credentials = Uri.UnescapeDataString(management.UserInfo);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return client;
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set: run the tests with ./scripts/test.sh, which starts RabbitMQ and PostgreSQL on loopback and sets it "
                + "(or start them with scripts/services/rabbitmq.sh and scripts/services/postgresql.sh and source the files they print).");
}
