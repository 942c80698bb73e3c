using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.Pipeline;
using Switchboard.Sqlite.Tests.Crash;

namespace Switchboard.Sqlite.Tests;

/// <summary>
/// With the store in the transport's file, a transactional endpoint removes the handled message in its unit of work's
/// commit: by the time the unit committed, before the transport's own acknowledgement runs, the message is gone.
/// </summary>
public sealed class AcknowledgementInUnitOfWorkTests : IDisposable
{
    private const string Queue = "ack-in-unit";
    private readonly string _path = TestDatabase.NewPath();

    [Fact]
    public async Task The_handled_message_is_removed_by_the_commit_of_its_unit_of_work()
    {
        var afterCommit = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSwitchboard(bus => bus
            .UseSqlite(new SqliteTransportOptions { Path = _path })
            .UseSqliteStore()
            .Message<Ping>("tests.ack-in-unit.ping.v1")
            .Route<Ping>(Queue)
            .Endpoint(Queue, e => e.Transactional().Handle<Ping, PingHandler>())
            // Runs inside the acknowledgement step: when the rest of the pipeline returns, the unit has committed and the
            // transport has not acknowledged yet. A process killed here must not find the message again.
            .ConfigurePipeline(p => p.InsertAfter(StepNames.Acknowledge, "look-before-ack", _ => new LookBeforeAcknowledgement(_path, afterCommit))));
        using var host = builder.Build();
        await host.StartAsync();

        await host.Services.GetRequiredService<IBus>().SendAsync(new Ping());

        Assert.Equal(0, await afterCommit.Task.WaitAsync(TimeSpan.FromSeconds(60)));
        await host.StopAsync();
    }

    public void Dispose() => TestDatabase.Delete(_path);

    public sealed record Ping;

    private sealed class PingHandler : IMessageHandler<Ping>
    {
        public ValueTask HandleAsync(Ping message, IMessageContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    private sealed class LookBeforeAcknowledgement(string path, TaskCompletionSource<long> remaining) : IReceiveStep
    {
        public async ValueTask InvokeAsync(ReceiveContext context, ReceiveDelegate next)
        {
            await next(context);
            remaining.TrySetResult(CrashDatabase.Remaining(path, Queue));
        }
    }
}
