using System.Net.Http.Json;
using System.Text.Json;
using Shop.Downstream.Tests;
using Switchboard.Cli;

namespace Shop.EndToEnd.Tests;

/// <summary>
/// The admin CLI through a running Shop's console (<c>--console</c>, issue 16): what only the application knows
/// (endpoints, sagas, a projection's rebuild, the AsyncAPI document) and the same dead-letter, outbox and flow commands as
/// on the stores.
/// </summary>
public sealed class CliThroughConsoleTests
{
    [Fact]
    public async Task Every_command_works_through_the_console_and_what_needs_it_says_so()
    {
        await using var smtp = FakeSmtpServer.Start();
        smtp.Refusing = true;
        await using var shop = await MailOutage.StartShopAsync(smtp);
        var id = await shop.PlaceAsync("grace", "tok_visa", new Line("SKU-0003", 1));
        await shop.WaitForTerminalAsync(id);
        string[] console = ["--console", new Uri(shop.Address, "/switchboard").ToString(), "--token", shop.Tokens.ForOperator("ops")];
        await ShopUnderTest.WaitUntilAsync(
            async () => (await RunAsync([.. console, "dlq", "list", "--queue", "notification", "--json"])).Output.Contains("\"count\": 3", StringComparison.Ordinal),
            () => "three dead letters listed through the console");

        var endpoints = await SucceedsAsync([.. console, "endpoints", "--json"]);
        var notification = endpoints.GetProperty("endpoints").EnumerateArray().Single(e => e.GetProperty("queue").GetString() == "notification");
        Assert.Equal(3, notification.GetProperty("deadLetters").GetInt64());
        Assert.Contains("notification", (await RunAsync([.. console, "endpoints"])).Output, StringComparison.Ordinal);

        var letters = await SucceedsAsync([.. console, "dlq", "list", "--queue", "notification", "--json"]);
        var first = letters.GetProperty("deadLetters").EnumerateArray().First().GetProperty("id").GetString()!;
        var shown = await RunAsync([.. console, "dlq", "show", "--queue", "notification", first]);
        Assert.True(shown.ExitCode == 0, shown.Error);
        Assert.Contains("Exception", shown.Output, StringComparison.Ordinal);
        var unconfirmed = await RunAsync([.. console, "dlq", "purge", "--queue", "notification"]);
        Assert.Equal(AdminCli.UsageError, unconfirmed.ExitCode);

        var flow = await RunAsync([.. console, "flow", id.ToString()]);
        Assert.True(flow.ExitCode == 0, flow.Error);
        Assert.Contains("dead-lettered", flow.Output, StringComparison.Ordinal);

        var sagas = await SucceedsAsync([.. console, "sagas", "list", "--json"]);
        var saga = sagas.GetProperty("sagas").EnumerateArray().Single().GetProperty("name").GetString()!;
        var instance = await SucceedsAsync([.. console, "sagas", "show", saga, id.ToString(), "--json"]);
        Assert.True(instance.GetProperty("events").GetArrayLength() >= 3);
        var missing = await RunAsync([.. console, "sagas", "show", saga, Guid.NewGuid().ToString()]);
        Assert.Equal(AdminCli.Failed, missing.ExitCode);
        Assert.Contains("no instance", missing.Error, StringComparison.Ordinal);

        var projections = await shop.Operator.GetFromJsonAsync<JsonElement>(new Uri("/switchboard/api/projections", UriKind.Relative));
        var projection = projections.GetProperty("runners").EnumerateArray().First(r => r.GetProperty("kind").GetString() == "projection");
        var name = projection.GetProperty("name").GetString()!;
        var status = await SucceedsAsync([.. console, "projections", "status", name, "--json"]);
        Assert.Equal(0, status.GetProperty("projections").EnumerateArray().Single().GetProperty("lag").GetInt64());
        var rebuilt = await SucceedsAsync([.. console, "projections", "rebuild", name, "--json"]);
        Assert.True(rebuilt.GetProperty("generation").GetInt64() > projection.GetProperty("generation").GetInt64());

        // The AsyncAPI document, as Shop serves it at /asyncapi.json.
        var asyncApi = await RunAsync([.. console, "asyncapi"]);
        Assert.True(asyncApi.ExitCode == 0, asyncApi.Error);
        Assert.Equal(await shop.Http.GetStringAsync(new Uri("/asyncapi.json", UriKind.Relative)), asyncApi.Output.TrimEnd('\n'));

        var outbox = await RunAsync([.. console, "outbox", "list"]);
        Assert.True(outbox.ExitCode == 0, outbox.Error);
        Assert.Contains("0 quarantined", outbox.Output, StringComparison.Ordinal);

        // The mail server is back: every dead letter re-driven with the progress bar, and the customer gets the mail.
        smtp.Refusing = false;
        var redriven = await SucceedsAsync([.. console, "dlq", "redrive", "--queue", "notification", "--all", "--json"]);
        Assert.Equal(3, redriven.GetProperty("redriven").GetInt32());
        await ShopUnderTest.WaitUntilAsync(async () => (await shop.NotificationsAsync("grace")).Count == 3, () => "the three notifications after the re-drive");

        // Refusals: without the token, with a wrong endpoint, and commands only an application can answer.
        var anonymous = await RunAsync(["--console", console[1], "endpoints"]);
        Assert.Equal(AdminCli.Failed, anonymous.ExitCode);
        Assert.Contains("--token", anonymous.Error, StringComparison.Ordinal);
        var unknown = await RunAsync([.. console, "dlq", "redrive", "--queue", "no-such-endpoint", "--all"]);
        Assert.Equal(AdminCli.Failed, unknown.ExitCode);
        Assert.Contains("no-such-endpoint", unknown.Error, StringComparison.Ordinal);
        var direct = await RunAsync(["sagas", "list", "--sqlite", shop.DatabasePath]);
        Assert.Equal(AdminCli.UsageError, direct.ExitCode);
        Assert.Contains("--console", direct.Error, StringComparison.Ordinal);
        var both = await RunAsync([.. console, "endpoints", "--sqlite", shop.DatabasePath]);
        Assert.Equal(AdminCli.UsageError, both.ExitCode);
        var closed = await RunAsync(["--console", "http://127.0.0.1:9/switchboard", "endpoints"]);
        Assert.Equal(AdminCli.Failed, closed.ExitCode);
        Assert.StartsWith("switchboard: ", closed.Error, StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await AdminCli.RunAsync(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    private static async Task<JsonElement> SucceedsAsync(string[] args)
    {
        var (exitCode, output, error) = await RunAsync(args);
        Assert.True(exitCode == 0, $"switchboard {string.Join(' ', args.Where(a => !a.StartsWith("ey", StringComparison.Ordinal)))} exited {exitCode}: {error}");
        return JsonSerializer.Deserialize<JsonElement>(output);
    }
}
