using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.Diagnostics;
using Switchboard.Sqlite.Tests.Crash;

namespace Switchboard.Sqlite.Tests;

/// <summary>
/// A message a transactional endpoint sends leaves with the unit of work's commit, straight into the transport's tables
/// (the store in the transport's file), never through the dispatcher: it still gets its send span, and its consumer
/// continues the trace of the message that caused it.
/// </summary>
public sealed class TraceThroughUnitOfWorkTests : IDisposable
{
    private const string First = "trace-unit-first";
    private const string Second = "trace-unit-second";
    private readonly string _path = TestDatabase.NewPath();

    [Fact]
    public async Task A_message_sent_in_a_unit_of_work_continues_the_trace_of_its_cause()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SwitchboardDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSwitchboard(bus => bus
            .UseSqlite(new SqliteTransportOptions { Path = _path })
            .UseSqliteStore()
            .Message<Ping>("tests.trace-unit.ping.v1")
            .Message<Pong>("tests.trace-unit.pong.v1")
            .Route<Ping>(First)
            .Route<Pong>(Second)
            .Endpoint(First, e => e.Transactional().Handle<Ping, PingHandler>())
            .Endpoint(Second, e => e.Handle<Pong, PongHandler>()));
        using var host = builder.Build();
        await host.StartAsync();

        using (new Activity("test-root").Start())
        {
            await host.Services.GetRequiredService<IBus>().SendAsync(new Ping());
        }

        // Both process spans: the second message can be handled before the first one's span ends, which it does only
        // after the commit that made the second deliverable.
        await Eventually.UntilAsync(
            () => spans.Any(s => s.OperationName == "process " + Second) && spans.Any(s => s.OperationName == "process " + First),
            "both messages' process spans");

        var sendPing = Assert.Single(spans, s => s.OperationName == "send " + First);
        var processPing = Assert.Single(spans, s => s.OperationName == "process " + First);
        var sendPong = Assert.Single(spans, s => s.OperationName == "send " + Second);
        var processPong = Assert.Single(spans, s => s.OperationName == "process " + Second);
        Assert.All([processPing, sendPong, processPong], s => Assert.Equal(sendPing.TraceId, s.TraceId));
        Assert.Equal(ActivityKind.Producer, sendPong.Kind);
        Assert.Equal(sendPong.SpanId, processPong.ParentSpanId);
        await host.StopAsync();
    }

    public void Dispose() => TestDatabase.Delete(_path);

    public sealed record Ping;

    public sealed record Pong;

    private sealed class PingHandler : IMessageHandler<Ping>
    {
        public ValueTask HandleAsync(Ping message, IMessageContext context, CancellationToken cancellationToken) =>
            context.SendAsync(new Pong(), cancellationToken: cancellationToken);
    }

    private sealed class PongHandler : IMessageHandler<Pong>
    {
        public ValueTask HandleAsync(Pong message, IMessageContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
