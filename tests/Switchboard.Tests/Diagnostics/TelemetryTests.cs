using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Diagnostics;
using Switchboard.Tests.Hosting;

namespace Switchboard.Tests.Diagnostics;

public sealed class TelemetryTests
{
    [Fact]
    public async Task Send_and_process_spans_follow_messaging_conventions_and_share_one_trace()
    {
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SwitchboardDiagnostics.Name,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);
        var seen = new Seen();
        using var host = await TestHost.StartAsync(
            bus => bus.Message<Ping>("tests.ping.v1").Endpoint("telemetry-spans", e => e.Handle<Ping, FirstPingHandler>()),
            services => services.AddSingleton(seen));

        using var parent = new Activity("test-root").Start();
        await host.Services.GetRequiredService<IBus>().SendAsync("telemetry-spans", new Ping(1));
        parent.Stop();
        await TestHost.WaitUntilAsync(() => spans.Any(s => s.OperationName == "process telemetry-spans"), "the process span");

        var send = Assert.Single(spans, s => s.OperationName == "send telemetry-spans");
        var process = Assert.Single(spans, s => s.OperationName == "process telemetry-spans");
        Assert.Equal(ActivityKind.Producer, send.Kind);
        Assert.Equal(ActivityKind.Consumer, process.Kind);
        Assert.Equal(parent.TraceId, send.TraceId);
        Assert.Equal(parent.TraceId, process.TraceId);
        Assert.Equal(send.SpanId, process.ParentSpanId);
        Assert.Equal("inmemory", process.GetTagItem("messaging.system"));
        Assert.Equal("process", process.GetTagItem("messaging.operation.type"));
        Assert.Equal("send", send.GetTagItem("messaging.operation.type"));
        Assert.Equal("telemetry-spans", process.GetTagItem("messaging.destination.name"));
        Assert.Equal(send.GetTagItem("messaging.message.id"), process.GetTagItem("messaging.message.id"));
        await host.StopAsync();
    }

    [Fact]
    public async Task Handled_failed_and_dead_lettered_messages_are_counted()
    {
        var measurements = new ConcurrentQueue<(string Instrument, double Value)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == SwitchboardDiagnostics.Name)
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        void OnMeasurement(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            foreach (var tag in tags)
            {
                if (tag is { Key: "messaging.destination.name", Value: "telemetry-metrics" })
                {
                    measurements.Enqueue((instrument.Name, value));
                }
            }
        }

        listener.SetMeasurementEventCallback<long>((i, v, t, _) => OnMeasurement(i, v, t));
        listener.SetMeasurementEventCallback<double>((i, v, t, _) => OnMeasurement(i, v, t));
        listener.Start();
        var seen = new Seen { OnPing = (ping, _) => ping.Number < 0 ? throw new InvalidOperationException("negative") : Task.CompletedTask };
        using var host = await TestHost.StartAsync(
            bus => bus.Message<Ping>("tests.ping.v1").Endpoint("telemetry-metrics", e => e.Handle<Ping, FirstPingHandler>().Retry(new RetryPolicy { ImmediateRetries = 1, DelayedRetries = 0 })),
            services => services.AddSingleton(seen));
        var bus = host.Services.GetRequiredService<IBus>();

        await bus.SendAsync("telemetry-metrics", new Ping(1));
        await bus.SendAsync("telemetry-metrics", new Ping(2));
        await bus.SendAsync("telemetry-metrics", new Ping(-1));

        int Count(string name) => (int)measurements.Where(m => m.Instrument == name).Sum(m => m.Value);
        await TestHost.WaitUntilAsync(() => Count("switchboard.messages.dead_lettered") == 1 && Count("switchboard.messages.handled") == 2, "the counters");
        Assert.Equal(2, Count("switchboard.messages.failed"));
        Assert.Equal(3, measurements.Count(m => m.Instrument == "messaging.process.duration"));
        await host.StopAsync();
    }

    [Fact]
    public async Task Handler_logs_carry_the_message_and_correlation_ids_in_scope()
    {
        var logs = new ScopeCapturingLoggerProvider();
        var seen = new Seen();
        using var host = await TestHost.StartAsync(
            bus => bus.Message<Ping>("tests.ping.v1").Endpoint("telemetry-logs", e => e.Handle<Ping, LoggingPingHandler>()),
            services => services.AddSingleton(seen),
            logs: logs);

        await host.Services.GetRequiredService<IBus>().SendAsync(new Ping(9), new SendOptions { Destination = "telemetry-logs", MessageId = "m-9", CorrelationId = "c-9" });

        await TestHost.WaitUntilAsync(() => logs.Entries.Any(e => e.Message == "handling 9"), "the handler's log entry");
        var entry = logs.Entries.First(e => e.Message == "handling 9");
        Assert.Contains("MessageId:m-9", entry.Scopes);
        Assert.Contains("CorrelationId:c-9", entry.Scopes);
        await host.StopAsync();
    }

    private sealed class LoggingPingHandler(ILogger<LoggingPingHandler> logger) : IMessageHandler<Ping>
    {
        public ValueTask HandleAsync(Ping message, IMessageContext context, CancellationToken cancellationToken)
        {
            logger.LogInformation("handling {Number}", message.Number);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class ScopeCapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ConcurrentQueue<(string Message, string Scopes)> Entries { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ScopeCapturingLoggerProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = new List<string>();
                provider._scopes.ForEachScope((scope, list) => list.Add(scope?.ToString() ?? ""), scopes);
                provider.Entries.Enqueue((formatter(state, exception), string.Join(" ", scopes)));
            }
        }
    }
}
