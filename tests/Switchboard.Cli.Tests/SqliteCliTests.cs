using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.Sqlite;
using Switchboard.Conformance.Harness;
using Switchboard.Transport;

namespace Switchboard.Cli.Tests;

/// <summary>The CLI on the embedded default's SQLite file, after a bus dead-lettered messages and audited everything.</summary>
public sealed class SqliteCliTests : IAsyncLifetime
{
    private const string Queue = "orders";
    private const string Conversation = "order-7";
    private readonly string _path = Path.Combine(Path.GetTempPath(), "switchboard-cli-" + Guid.NewGuid().ToString("N"), "app.db");

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.Services.AddSingleton(new MessageRecorder());
        builder.Services.AddSingleton(new ConsumerName("cli"));
        builder.Services.AddSingleton(new HandlerBehavior
        {
            Before = (message, _, _) => message is TestCommand { Text: "fail" } ? throw new InvalidOperationException("card declined") : ValueTask.CompletedTask,
        });
        builder.Services.AddSwitchboard(bus => bus
            .AddTestMessages()
            .UseSqlite(new SqliteTransportOptions { Path = _path })
            .UseSqliteStore()
            .UseAudit(o => o with { Service = "billing", MaxBodyBytes = 1024 })
            .Endpoint(Queue, e => e.Handle<TestCommand, RecordingHandler>().Transactional().Retry(RetryPolicy.None)));
        using var host = builder.Build();
        await host.StartAsync();
        var bus = host.Services.GetRequiredService<IBus>();
        await bus.SendAsync(new TestCommand(1, "ok"), new SendOptions { Destination = Queue, CorrelationId = Conversation });
        for (var i = 2; i <= 4; i++)
        {
            await bus.SendAsync(new TestCommand(i, "fail"), new SendOptions { Destination = Queue, CorrelationId = Conversation, OrderingKey = i == 2 ? "customer-2" : null });
        }

        var deadLetters = host.Services.GetRequiredService<IDeadLetterQueue>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await deadLetters.CountAsync(Queue) < 3)
        {
            Assert.True(DateTime.UtcNow < deadline, "the three failing messages were not dead-lettered");
            await Task.Delay(20);
        }

        // Stopping writes the audit records still buffered.
        await host.StopAsync();
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Dead_letters_are_listed_shown_redriven_deleted_and_purged_only_with_confirmation()
    {
        var list = await JsonAsync("dlq", "list", "--queue", Queue);
        Assert.Equal(3, list.GetProperty("count").GetInt64());
        var ids = list.GetProperty("deadLetters").EnumerateArray().Select(d => d.GetProperty("id").GetString()!).ToList();
        Assert.All(list.GetProperty("deadLetters").EnumerateArray(), d => Assert.Equal("card declined", d.GetProperty("exceptionMessage").GetString()));

        Assert.Equal(["customer-2"], list.GetProperty("deadLetters").EnumerateArray().Select(d => d.GetProperty("orderingKey").GetString()).OfType<string>());
        var (_, listed, _) = await Cli.RunAsync("dlq", "list", "--queue", Queue, "--sqlite", _path);
        Assert.Contains("ordering key", listed, StringComparison.Ordinal);
        Assert.Contains("customer-2", listed, StringComparison.Ordinal);

        // The orders queue is not ordered: whether or not the SQLite transport keeps order, it parks no key.
        var parked = await JsonAsync("dlq", "parked", "--queue", Queue);
        Assert.Empty(parked.GetProperty("parkedKeys").EnumerateArray());

        var (shown, text, _) = await Cli.RunAsync("dlq", "show", "--queue", Queue, ids[0], "--sqlite", _path);
        Assert.Equal(0, shown);
        Assert.Contains("card declined", text, StringComparison.Ordinal);
        Assert.Contains("\"text\":\"fail\"", text, StringComparison.Ordinal);
        Assert.Equal(1, (await Cli.RunAsync("dlq", "show", "--queue", Queue, "no-such-id", "--sqlite", _path)).ExitCode);

        Assert.Equal(0, (await Cli.RunAsync("dlq", "redrive", "--queue", Queue, ids[0], "--sqlite", _path)).ExitCode);
        var (deleted, _, missing) = await Cli.RunAsync("dlq", "delete", "--queue", Queue, ids[1], "no-such-id", "--sqlite", _path);
        Assert.Equal(1, deleted);
        Assert.Contains("no dead letter 'no-such-id'", missing, StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync());

        var (refused, _, why) = await Cli.RunAsync("dlq", "purge", "--queue", Queue, "--sqlite", _path);
        Assert.Equal(AdminCli.UsageError, refused);
        Assert.Contains("add --yes", why, StringComparison.Ordinal);
        Assert.Equal(1, await CountAsync());

        var (all, progress, _) = await Cli.RunAsync("dlq", "redrive", "--queue", Queue, "--all", "--sqlite", _path);
        Assert.Equal(0, all);
        Assert.Contains("1 dead letter(s) of orders redriven", progress, StringComparison.Ordinal);
        Assert.Equal(0, await CountAsync());
        Assert.Equal(0, (await Cli.RunAsync("dlq", "purge", "--queue", Queue, "--yes", "--sqlite", _path)).ExitCode);
    }

    [Fact]
    public async Task A_flow_shows_every_delivery_of_the_conversation_with_its_outcome()
    {
        var flow = await JsonAsync("flow", Conversation);

        var timeline = flow.GetProperty("timeline").EnumerateArray().ToList();
        Assert.Equal(4, timeline.Count);
        Assert.Equal(3, timeline.Count(r => r.GetProperty("outcome").GetString() == "dead-lettered"));
        Assert.All(timeline, r => Assert.Equal("billing", r.GetProperty("service").GetString()));
        Assert.Equal(4, flow.GetProperty("tree").GetArrayLength());

        var (exitCode, table, _) = await Cli.RunAsync("flow", Conversation, "--sqlite", _path);
        Assert.Equal(0, exitCode);
        Assert.Contains("dead-lettered", table, StringComparison.Ordinal);
        Assert.Contains("card declined", table, StringComparison.Ordinal);

        var (unknown, _, error) = await Cli.RunAsync("flow", "order-unknown", "--sqlite", _path);
        Assert.Equal(AdminCli.Failed, unknown);
        Assert.Contains("no audited message", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_outbox_of_the_file_is_listed_and_releasing_nothing_says_so()
    {
        var outbox = await JsonAsync("outbox", "list");
        var store = Assert.Single(outbox.GetProperty("stores").EnumerateArray());
        Assert.Equal(0, store.GetProperty("quarantined").GetInt64());

        var (exitCode, _, error) = await Cli.RunAsync("outbox", "release", "not-quarantined", "--sqlite", _path);
        Assert.Equal(AdminCli.Failed, exitCode);
        Assert.Contains("were not quarantined", error, StringComparison.Ordinal);
        Assert.Equal(AdminCli.UsageError, (await Cli.RunAsync("outbox", "release", "--sqlite", _path)).ExitCode);
    }

    private async Task<JsonElement> JsonAsync(params string[] args)
    {
        var (exitCode, output, error) = await Cli.RunAsync([.. args, "--sqlite", _path, "--json"]);
        Assert.True(exitCode == 0, $"exit {exitCode}: {error}");
        return JsonSerializer.Deserialize<JsonElement>(output);
    }

    private async Task<long> CountAsync() => (await JsonAsync("dlq", "list", "--queue", Queue)).GetProperty("count").GetInt64();
}
