using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.AsyncApi;
using Switchboard.Configuration;
using Switchboard.Conformance.Harness;
using Switchboard.InMemory;
using Switchboard.Interop;

namespace Switchboard.Cli.Tests;

/// <summary>
/// <c>switchboard asyncapi</c> writes a running application's AsyncAPI document, as its console serves it, to a file or
/// standard output; the official parser finds no error in it.
/// </summary>
public sealed class AsyncApiCliTests
{
    [Fact]
    public async Task The_document_is_written_to_a_file_and_the_official_parser_finds_no_error()
    {
        await using var app = await StartAsync(registered: true);
        var file = Path.Combine(Path.GetTempPath(), "switchboard-asyncapi-" + Guid.NewGuid().ToString("N") + ".json");
        try
        {
            var (exitCode, output, error) = await Cli.RunAsync("asyncapi", "--console", Console(app), "--output", file);

            Assert.True(exitCode == 0, error);
            Assert.Equal($"{file}: 4 channels, 4 operations, 3 messages", output.Trim());
            using var document = JsonDocument.Parse(await File.ReadAllTextAsync(file));
            Assert.Equal("Billing", document.RootElement.GetProperty("info").GetProperty("title").GetString());
            var summary = await AsyncApiParser.AssertValidAsync(file);
            Assert.Equal(4, summary.GetProperty("channels").GetInt32());
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public async Task Without_a_file_the_document_goes_to_standard_output_as_served()
    {
        await using var app = await StartAsync(registered: true);

        var (exitCode, output, error) = await Cli.RunAsync("asyncapi", "--console", Console(app));

        Assert.True(exitCode == 0, error);
        var served = await new HttpClient().GetStringAsync(new Uri(Console(app) + "/api/asyncapi"));
        Assert.Equal(served, output.TrimEnd('\n'));
    }

    [Fact]
    public async Task An_application_without_a_document_and_a_command_line_without_a_console_are_refused()
    {
        await using var app = await StartAsync(registered: false);

        var (exitCode, output, error) = await Cli.RunAsync("asyncapi", "--console", Console(app));
        Assert.Equal(AdminCli.Failed, exitCode);
        Assert.Contains("AddAsyncApi", error, StringComparison.Ordinal);
        Assert.Equal("", output);

        var file = Path.GetTempFileName();
        try
        {
            (exitCode, _, error) = await Cli.RunAsync("asyncapi", "--sqlite", file);
            Assert.Equal(AdminCli.UsageError, exitCode);
            Assert.Contains("give --console URL", error, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            File.Delete(file);
        }
    }

    private static string Console(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single() + "/switchboard";

    // A billing service: its queue takes commands (routed to it) and it publishes events; its console has no policy
    // (loopback only).
    private static async Task<WebApplication> StartAsync(bool registered)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(new MessageRecorder());
        builder.Services.AddSingleton(new ConsumerName("billing"));
        builder.Services.AddSwitchboard(bus => bus
            .AddTestMessages()
            .UseInMemory(new InMemoryNetwork())
            .Route<TestCommand>("billing")
            .Publishes<TestEvent>()
            .Endpoint("billing", e => e.Handle<TestCommand, RecordingHandler>())
            .Endpoint("reports", e => e.Handle<TestEvent, RecordingHandler>()));
        if (registered)
        {
            builder.Services.AddAsyncApi(new AsyncApiInfo("Billing", "1.0.0"));
        }

        var app = builder.Build();
        app.MapSwitchboardConsole();
        await app.StartAsync();
        return app;
    }
}
