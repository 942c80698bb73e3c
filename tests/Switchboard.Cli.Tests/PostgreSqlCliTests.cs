using System.Text.Json;
using Npgsql;
using Switchboard.Auditing;
using Switchboard.PostgreSql;

namespace Switchboard.Cli.Tests;

/// <summary>
/// The CLI on PostgreSQL stores, one schema per service as Shop's distributed mode has them: a flow read across the
/// schemas, each store's outbox, and a schema that holds no store. Needs the test server
/// (<c>SWITCHBOARD_POSTGRES_CONNECTION</c>, which scripts/test.sh exports); without it these tests fail.
/// </summary>
public sealed class PostgreSqlCliTests : IAsyncLifetime
{
    private const string Variable = "SWITCHBOARD_POSTGRES_CONNECTION";
    private readonly string _order = "t_" + Guid.NewGuid().ToString("N");
    private readonly string _payment = "t_" + Guid.NewGuid().ToString("N");

    private static string ConnectionString =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } connection
            ? connection
            : throw new InvalidOperationException($"{Variable} is not set, so the CLI's PostgreSQL tests have no server (scripts/test.sh starts one).");

    public async Task InitializeAsync()
    {
        foreach (var (schema, endpoint, outcome) in new[] { (_order, "order", AuditOutcome.Handled), (_payment, "payment", AuditOutcome.DeadLettered) })
        {
            await using var store = new PostgreSqlMessageStore(new PostgreSqlStoreOptions { ConnectionString = ConnectionString, Schema = schema });
            await store.InitializeAsync();
            await store.AuditLog.AppendAsync([Record(endpoint, outcome)]);
        }
    }

    public async Task DisposeAsync()
    {
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        foreach (var schema in new[] { _order, _payment })
        {
            await using var drop = dataSource.CreateCommand($"DROP SCHEMA IF EXISTS \"{schema}\" CASCADE");
            await drop.ExecuteNonQueryAsync();
        }
    }

    [Fact]
    public async Task A_flow_reads_every_named_schema_and_the_outbox_of_each_is_listed()
    {
        var (exitCode, output, error) = await Cli.RunAsync("flow", "order-9", "--postgres", ConnectionString, "--schema", _order, "--schema", _payment, "--json");
        Assert.True(exitCode == 0, error);
        var flow = JsonSerializer.Deserialize<JsonElement>(output);
        Assert.Equal(["order", "payment"], flow.GetProperty("timeline").EnumerateArray().Select(r => r.GetProperty("endpoint").GetString()).Order());
        Assert.Contains(flow.GetProperty("timeline").EnumerateArray(), r => r.GetProperty("outcome").GetString() == "dead-lettered");

        var (listed, outbox, _) = await Cli.RunAsync("outbox", "list", "--postgres", ConnectionString, "--schema", _order, "--schema", _payment, "--json");
        Assert.Equal(0, listed);
        Assert.Equal([_order, _payment], JsonSerializer.Deserialize<JsonElement>(outbox).GetProperty("stores").EnumerateArray().Select(s => s.GetProperty("store").GetString()));
    }

    [Fact]
    public async Task A_schema_without_a_store_is_an_error_and_is_not_created()
    {
        var missing = "t_" + Guid.NewGuid().ToString("N");

        var (exitCode, _, error) = await Cli.RunAsync("flow", "order-9", "--postgres", ConnectionString, "--schema", missing);

        Assert.Equal(AdminCli.Failed, exitCode);
        Assert.Contains("does not exist", error, StringComparison.Ordinal);
        await using var dataSource = NpgsqlDataSource.Create(ConnectionString);
        await using var exists = dataSource.CreateCommand($"SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = '{missing}')");
        Assert.False((bool)(await exists.ExecuteScalarAsync())!);
    }

    private static AuditRecord Record(string endpoint, AuditOutcome outcome) => new()
    {
        MessageId = "m-" + endpoint,
        MessageType = "shop.order-created.v1",
        CorrelationId = "order-9",
        Endpoint = endpoint,
        Service = endpoint,
        Instance = "host/1",
        SentAt = DateTimeOffset.UtcNow,
        ReceivedAt = DateTimeOffset.UtcNow,
        FinishedAt = DateTimeOffset.UtcNow,
        Attempts = 1,
        Outcome = outcome,
        Reason = outcome == AuditOutcome.DeadLettered ? "retries exhausted" : null,
    };
}
