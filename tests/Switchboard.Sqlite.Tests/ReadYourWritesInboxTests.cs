using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.Consistency;

namespace Switchboard.Sqlite.Tests;

/// <summary>
/// Read your writes across instances: an endpoint with an inbox answers from the store, so an instance that did not
/// handle the message itself (here: one started after the other handled it) knows it was handled.
/// </summary>
public sealed class ReadYourWritesInboxTests : IDisposable
{
    private const string Queue = "reports";
    private readonly string _path = TestDatabase.NewPath();

    [Fact]
    public async Task An_instance_that_did_not_handle_the_message_learns_from_the_inbox_that_it_was_handled()
    {
        using (var first = await StartAsync())
        {
            await first.Services.GetRequiredService<IBus>().SendAsync(new Report(1), new SendOptions { MessageId = "report-1" });
            Assert.True(await first.Services.GetRequiredService<ReadYourWrites>().WaitForEndpointAsync(Queue, new ConsistencyToken(null, ["report-1"]), TimeSpan.FromSeconds(60)));
            await first.StopAsync();
        }

        using var second = await StartAsync();
        var reads = second.Services.GetRequiredService<ReadYourWrites>();

        Assert.True(await reads.WaitForEndpointAsync(Queue, new ConsistencyToken(null, ["report-1"]), TimeSpan.FromSeconds(5)));
        Assert.False(await reads.WaitForEndpointAsync(Queue, new ConsistencyToken(null, ["report-1", "never-sent"]), TimeSpan.FromMilliseconds(300)));
        await second.StopAsync();
    }

    public void Dispose() => TestDatabase.Delete(_path);

    private async Task<IHost> StartAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSwitchboard(bus => bus
            .UseSqlite(new SqliteTransportOptions { Path = _path })
            .UseSqliteStore()
            .Message<Report>("tests.ryw.report.v1")
            .Route<Report>(Queue)
            .Endpoint(Queue, e => e.Transactional().Handle<Report, ReportHandler>()));
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    public sealed record Report(int Number);

    private sealed class ReportHandler : IMessageHandler<Report>
    {
        public ValueTask HandleAsync(Report message, IMessageContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
