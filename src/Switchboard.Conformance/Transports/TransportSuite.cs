using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.Conformance.Harness;
using Switchboard.Transport;
using Xunit;

namespace Switchboard.Conformance.Transports;

/// <summary>
/// Base of every transport suite: an isolated namespace per test, a recorder shared by the test's buses, and
/// a helper that starts a bus (a "process") on the namespace.
/// </summary>
public abstract class TransportSuite<TFactory> : IAsyncLifetime
    where TFactory : ITransportFactory, new()
{
    private readonly List<RunningBus> _buses = [];
    private ITransportScope? _scope;

    /// <summary>Generous timeout for waiting on deliveries: suites check behaviour, not speed.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>The provider's factory.</summary>
    protected TFactory Factory { get; } = new();

    /// <summary>The test's namespace.</summary>
    protected ITransportScope Scope => _scope ?? throw new InvalidOperationException("The test has not been initialised.");

    /// <summary>What the test's handlers recorded, across all its buses.</summary>
    protected MessageRecorder Recorder { get; } = new();

    /// <summary>What the test's buses logged at warning level and above.</summary>
    protected WarningLog Warnings { get; } = new();

    /// <summary>What the test's handlers do before recording.</summary>
    protected HandlerBehavior Behavior { get; } = new();

    /// <summary>A retry policy fast enough for tests: 2 immediate, 2 delayed from 50 ms.</summary>
    protected static RetryPolicy FastRetries { get; } = new() { ImmediateRetries = 2, DelayedRetries = 2, BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(200) };

    /// <inheritdoc />
    public async Task InitializeAsync() => _scope = await Factory.CreateScopeAsync().ConfigureAwait(false);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var bus in _buses)
        {
            await bus.DisposeAsync().ConfigureAwait(false);
        }

        if (_scope is not null)
        {
            await _scope.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Starts a bus on the test's namespace with the test messages registered and the recording handler
    /// available; <paramref name="configure"/> adds endpoints and routes.
    /// </summary>
    protected async Task<RunningBus> StartBusAsync(Action<SwitchboardBuilder> configure, string? name = null)
    {
        name ??= "bus-" + (_buses.Count + 1);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddProvider(Warnings.For(name));
        builder.Services.AddSingleton(Recorder);
        builder.Services.AddSingleton(Behavior);
        builder.Services.AddSingleton(new ConsumerName(name));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
        builder.Services.AddSwitchboard(bus =>
        {
            bus.AddTestMessages();
            Scope.UseTransport(bus);
            configure(bus);
        });
        var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        var running = new RunningBus(host, name);
        _buses.Add(running);
        return running;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test after <see cref="Patience"/>.</summary>
    protected static async Task WaitForAsync(Func<ValueTask<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition().ConfigureAwait(false))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {Patience} waiting for {what}.");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>Polls <paramref name="condition"/> until it holds; fails the test after <see cref="Patience"/>.</summary>
    protected static Task WaitForAsync(Func<bool> condition, string what) =>
        WaitForAsync(() => ValueTask.FromResult(condition()), what);

    /// <summary>Waits until <paramref name="queue"/> has at least <paramref name="count"/> dead letters and returns them, oldest first.</summary>
    protected static async Task<IReadOnlyList<DeadLetter>> WaitForDeadLettersAsync(IDeadLetterQueue deadLetters, string queue, int count)
    {
        await WaitForAsync(async () => await deadLetters.CountAsync(queue).ConfigureAwait(false) >= count, $"{count} dead letter(s) in '{queue}'").ConfigureAwait(false);
        return await deadLetters.ListAsync(queue, 0, Math.Max(count, 100)).ConfigureAwait(false);
    }

    /// <summary>An endpoint that records every test message type with the recording handler.</summary>
    /// <remarks>With <paramref name="concurrency"/> 1 the endpoint is strictly sequential: no message settles while the next is handled.</remarks>
    protected static Action<EndpointBuilder> Recording(RetryPolicy? retry = null, int concurrency = 4) => e =>
    {
        e.Handle<TestCommand, RecordingHandler>()
            .Handle<TestEvent, RecordingHandler>()
            .Handle<FollowUp, RecordingHandler>()
            .Concurrency(concurrency);
        if (concurrency == 1)
        {
            e.PendingSettlements(0);
        }

        if (retry is not null)
        {
            e.Retry(retry);
        }
    };
}
