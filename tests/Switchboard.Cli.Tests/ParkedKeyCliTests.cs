using System.Text.Json;
using Switchboard.Conformance.Harness;
using Switchboard.Console.Tests;

namespace Switchboard.Cli.Tests;

/// <summary>
/// <c>dlq parked</c>, <c>dlq skip</c> and the ordering key of <c>dlq list</c>, through a running application's console
/// and on a transport directly: an ordered endpoint's parked keys are listed and released, an unordered one has none.
/// </summary>
public sealed class ParkedKeyCliTests
{
    [Fact]
    public async Task Through_the_console_parked_keys_are_listed_and_a_skip_releases_one()
    {
        await using var host = await ConsoleHost.StartWithTwoParkedKeysAsync();
        var console = host.Http.BaseAddress + "switchboard";
        var letters = await host.DeadLetters.ListAsync(ConsoleHost.Shipments);
        var k2 = letters.Single(l => l.OrderingKey == "k-2").Id;

        var parked = await JsonAsync(console, "dlq", "parked", "--queue", ConsoleHost.Shipments);
        Assert.Equal(2, parked.GetProperty("total").GetInt64());
        var keys = parked.GetProperty("parkedKeys").EnumerateArray().ToDictionary(k => k.GetProperty("key").GetString()!);
        Assert.Equal(1, keys["k-1"].GetProperty("waiting").GetInt64());
        Assert.Equal(k2, keys["k-2"].GetProperty("deadLetterId").GetString());
        Assert.Equal(JsonValueKind.Null, parked.GetProperty("none").ValueKind);

        var (exitCode, table, error) = await Cli.RunAsync("dlq", "parked", "--queue", ConsoleHost.Shipments, "--console", console);
        Assert.True(exitCode == 0, error);
        Assert.Contains("dead letter id", table, StringComparison.Ordinal);
        Assert.Contains(k2, table, StringComparison.Ordinal);
        Assert.Contains("2 of 2 parked key(s) of shipments", table, StringComparison.Ordinal);

        var (_, listed, _) = await Cli.RunAsync("dlq", "list", "--queue", ConsoleHost.Shipments, "--console", console);
        Assert.Contains("ordering key", listed, StringComparison.Ordinal);
        Assert.Contains("k-2", listed, StringComparison.Ordinal);

        var (_, endpoints, _) = await Cli.RunAsync("endpoints", "--console", console);
        Assert.Contains("shipments ordered", endpoints, StringComparison.Ordinal);
        Assert.Contains("(2 key(s) parked)", endpoints, StringComparison.Ordinal);

        var (unordered, why, _) = await Cli.RunAsync("dlq", "parked", "--queue", ConsoleHost.Orders, "--console", console);
        Assert.Equal(0, unordered);
        Assert.Contains("'orders' is not an ordered endpoint: it parks no keys", why, StringComparison.Ordinal);
        var (unknown, _, notFound) = await Cli.RunAsync("dlq", "parked", "--queue", "nowhere", "--console", console);
        Assert.Equal(AdminCli.Failed, unknown);
        Assert.Contains("no endpoint 'nowhere'", notFound, StringComparison.Ordinal);
        Assert.Equal(AdminCli.UsageError, (await Cli.RunAsync("dlq", "parked", "--queue", ConsoleHost.Shipments, "--take", "0", "--console", console)).ExitCode);

        var (skipped, said, _) = await Cli.RunAsync("dlq", "skip", "--queue", ConsoleHost.Shipments, k2, "--console", console);
        Assert.Equal(0, skipped);
        Assert.Contains("1 dead letter(s) of shipments skipped; released key(s) k-2.", said, StringComparison.Ordinal);
        var orders = (await host.DeadLetters.ListAsync(ConsoleHost.Orders)).Single().Id;
        var unparked = await JsonAsync(console, "dlq", "skip", "--queue", ConsoleHost.Orders, orders);
        Assert.Equal(1, unparked.GetProperty("skipped").GetInt32());
        Assert.Empty(unparked.GetProperty("releasedKeys").EnumerateArray());
        var left = await JsonAsync(console, "dlq", "parked", "--queue", ConsoleHost.Shipments);
        Assert.Equal("k-1", Assert.Single(left.GetProperty("parkedKeys").EnumerateArray()).GetProperty("key").GetString());
    }

    [Fact]
    public async Task On_a_transport_the_parked_keys_are_its_own_and_a_transport_that_keeps_no_order_has_none()
    {
        await using var host = await ConsoleHost.StartWithTwoParkedKeysAsync();

        var ordered = await new TransportParkedKeys(host.Transport).ListAsync(ConsoleHost.Shipments, 0, 50, CancellationToken.None);
        Assert.Null(ordered.NoneBecause);
        Assert.Equal(["k-1", "k-2"], ordered.Keys.Select(k => k.Key).Order(StringComparer.Ordinal));

        // Never started: a transport that keeps no order is not asked.
        await using var transport = new UnorderedTransport(new Switchboard.InMemory.InMemoryTransport(new Switchboard.InMemory.InMemoryNetwork()));
        var unordered = await new TransportParkedKeys(transport).ListAsync(ConsoleHost.Shipments, 0, 50, CancellationToken.None);
        Assert.Empty(unordered.Keys);
        Assert.Equal("the unordered transport keeps no per-key order: it parks no keys", unordered.NoneBecause);
    }

    private static async Task<JsonElement> JsonAsync(string console, params string[] args)
    {
        var (exitCode, output, error) = await Cli.RunAsync([.. args, "--console", console, "--json"]);
        Assert.True(exitCode == 0, $"exit {exitCode}: {error}");
        return JsonSerializer.Deserialize<JsonElement>(output);
    }
}
