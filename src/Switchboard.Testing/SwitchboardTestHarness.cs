using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Auditing;
using Switchboard.Configuration;
using Switchboard.InMemory;
using Switchboard.Operations;
using Switchboard.Serialization;

namespace Switchboard.Testing;

/// <summary>
/// Runs an application's own bus registrations in memory, for tests: the in-memory transport (and, unless
/// <see cref="SwitchboardTestHarnessOptions.KeepStores"/>, the in-memory stores) in place of the configured ones, on a
/// fake clock; records what was <see cref="Consumed"/>, <see cref="Sent"/>, <see cref="Published"/> and
/// <see cref="DeadLettered"/>; and waits for conditions, for the bus to be idle, and for timeouts after advancing the clock.
/// It uses no test framework: a failed expectation throws a <see cref="HarnessAssertionException"/>.
/// <code>
/// await using var harness = await SwitchboardTestHarness.StartAsync(bus => bus.AddOrders());
/// await harness.Bus.SendAsync(new PlaceOrder(orderId));
/// await harness.Published.AnyAsync&lt;OrderPlaced&gt;(e => e.OrderId == orderId);
/// </code>
/// Start it with <see cref="StartAsync"/>, which builds and owns a host, or register it in a host of your own with
/// <c>services.AddSwitchboardTestHarness(...)</c> and take it from the container once the host started.
/// </summary>
public sealed class SwitchboardTestHarness : IAsyncDisposable
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(5);

    private readonly HarnessRecorder _recorder;
    private readonly InMemoryNetwork _network;
    private readonly InMemoryTransport _queues;
    private readonly BusConfiguration _configuration;
    private IHost? _host;

    internal SwitchboardTestHarness(IServiceProvider services, HarnessRecorder recorder, InMemoryNetwork network, SwitchboardTestHarnessOptions options)
    {
        Services = services;
        Options = options;
        _recorder = recorder;
        _network = network;
        _queues = new InMemoryTransport(network);
        _configuration = services.GetRequiredService<BusConfiguration>();
        Consumed = new MessageLog<ConsumedMessage>(this, "consumed", () => _recorder.Consumed);
        Handled = Consumed.Where(r => r.Outcome == AuditOutcome.Handled, "handled");
        Failed = Consumed.Where(r => r.Outcome == AuditOutcome.Retrying, "failed and retried later");
        DeadLettered = Consumed.Where(r => r.Outcome == AuditOutcome.DeadLettered, "dead-lettered");
        Sent = new MessageLog<DispatchedMessage>(this, "sent", () => _recorder.Sent);
        Published = new MessageLog<DispatchedMessage>(this, "published", () => _recorder.Published);
    }

    /// <summary>The host's services (the application's and the bus's).</summary>
    public IServiceProvider Services { get; }

    /// <summary>The bus, to send and publish as the application would.</summary>
    public IBus Bus => Services.GetRequiredService<IBus>();

    /// <summary>How the harness runs.</summary>
    public SwitchboardTestHarnessOptions Options { get; }

    /// <summary>The fake clock the bus runs on; null when <see cref="SwitchboardTestHarnessOptions.UseFakeTime"/> is false.</summary>
    public FakeTimeProvider? Time => Services.GetService<TimeProvider>() as FakeTimeProvider;

    /// <summary>Every delivery to the bus's endpoints, whatever its outcome (handled, retrying later, dead-lettered).</summary>
    public MessageLog<ConsumedMessage> Consumed { get; }

    /// <summary>The deliveries that were handled.</summary>
    public MessageLog<ConsumedMessage> Handled { get; }

    /// <summary>The deliveries that failed every attempt and went back to their queue for a delayed retry.</summary>
    public MessageLog<ConsumedMessage> Failed { get; }

    /// <summary>The deliveries that were dead-lettered, with their <see cref="ConsumedMessage.DeadLetterReason"/>.</summary>
    public MessageLog<ConsumedMessage> DeadLettered { get; }

    /// <summary>The messages sent to a queue (commands, saga timeouts, scheduled sends), by handlers and by the test.</summary>
    public MessageLog<DispatchedMessage> Sent { get; }

    /// <summary>The messages published, by handlers and by the test.</summary>
    public MessageLog<DispatchedMessage> Published { get; }

    /// <summary>
    /// Builds a host with <paramref name="configureServices"/> and the application's bus registrations
    /// (<paramref name="configureBus"/>, the same delegate the application gives <c>AddSwitchboard</c>), starts it and
    /// waits until every endpoint consumes.
    /// </summary>
    /// <param name="configureBus">The application's bus registrations.</param>
    /// <param name="configureServices">The services the handlers need (fakes of what the test does not run for real); may be null.</param>
    /// <param name="options">How the harness runs; the defaults when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<SwitchboardTestHarness> StartAsync(
        Action<SwitchboardBuilder> configureBus,
        Action<IServiceCollection>? configureServices = null,
        SwitchboardTestHarnessOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configureBus);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        configureServices?.Invoke(builder.Services);
        builder.Services.AddSwitchboardTestHarness(configureBus, options);
        var host = builder.Build();
        var harness = host.Services.GetRequiredService<SwitchboardTestHarness>();
        harness._host = host;
        try
        {
            await host.StartAsync(cancellationToken).ConfigureAwait(false);
            await harness.WaitForStartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await harness.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return harness;
    }

    /// <summary>Waits until every endpoint of the bus consumes (a bus whose store or broker was unreachable starts in the background).</summary>
    /// <exception cref="HarnessAssertionException">An endpoint did not start within <see cref="SwitchboardTestHarnessOptions.Timeout"/>.</exception>
    public async Task WaitForStartAsync(CancellationToken cancellationToken = default)
    {
        var outcome = await WaitAsync(() => NotRunning().Count == 0 ? this : null, stopWhenIdle: false, null, cancellationToken).ConfigureAwait(false);
        if (outcome.Value is null)
        {
            throw new HarnessAssertionException($"Expected the bus to start; within {outcome.Waited.TotalSeconds:0.###} s these endpoints did not consume: {string.Join(", ", NotRunning())}.");
        }
    }

    /// <summary>
    /// Waits until the bus is idle: no delivery in a pipeline, and no message ready or unacknowledged in the queues of
    /// its endpoints. Messages scheduled for later (saga timeouts, delayed sends, delayed retries) do not count until
    /// they are due: <see cref="AdvanceTimeAsync"/> makes them due. Work outside the receive pipeline (event-store
    /// subscriptions and projections, the outbox relay, hosted services of the application) is not watched.
    /// </summary>
    /// <param name="timeout">The longest wait in real time; <see cref="SwitchboardTestHarnessOptions.Timeout"/> when null.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <exception cref="HarnessAssertionException">The bus was still busy at the timeout; the message says with what.</exception>
    public async Task WaitForIdleAsync(TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var outcome = await WaitAsync<SwitchboardTestHarness>(() => null, stopWhenIdle: true, timeout, cancellationToken).ConfigureAwait(false);
        if (!outcome.Idle)
        {
            throw new HarnessAssertionException($"Expected the bus to become idle within {outcome.Waited.TotalSeconds:0.###} s; still pending: {outcome.Pending}.");
        }
    }

    /// <summary>
    /// Moves the fake clock forward by <paramref name="by"/>, stopping at each scheduled message's due time on the way
    /// (so that a timeout requested by the handling of an earlier one is due in its turn, as on a real clock), and waits
    /// until the bus is idle at each stop and at the end. First waits until the bus is idle, so that what the test started
    /// has run before time moves.
    /// </summary>
    /// <param name="by">How far to move the clock.</param>
    /// <param name="cancellationToken">Cancels the waits.</param>
    /// <exception cref="InvalidOperationException">The harness runs without a fake clock (<see cref="SwitchboardTestHarnessOptions.UseFakeTime"/>).</exception>
    /// <exception cref="HarnessAssertionException">The bus did not become idle at a stop.</exception>
    public async Task AdvanceTimeAsync(TimeSpan by, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(by, TimeSpan.Zero);
        var clock = Time ?? throw new InvalidOperationException("The harness runs on the application's clock (UseFakeTime is false); only a fake clock can be advanced.");
        await WaitForIdleAsync(null, cancellationToken).ConfigureAwait(false);
        var target = clock.GetUtcNow() + by;
        while (await NextDueAsync(cancellationToken).ConfigureAwait(false) is { } next && next <= target)
        {
            if (next > clock.GetUtcNow())
            {
                clock.SetUtcNow(next);
            }

            await WaitForIdleAsync(null, cancellationToken).ConfigureAwait(false);
        }

        if (target > clock.GetUtcNow())
        {
            clock.SetUtcNow(target);
        }

        await WaitForIdleAsync(null, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The instance of the saga whose state is <typeparamref name="TState"/> with <paramref name="key"/>, as its store holds
    /// it now; null when there is none (not started yet, or completed and removed).
    /// </summary>
    /// <exception cref="InvalidOperationException">No saga of the bus has that state type.</exception>
    public async Task<SagaSnapshot<TState>?> FindSagaAsync<TState>(string key, CancellationToken cancellationToken = default)
        where TState : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        var serializer = Services.GetRequiredService<IMessageSerializer>();
        foreach (var saga in SagasOf<TState>())
        {
            var instance = await saga.FindAsync(Services, key, cancellationToken).ConfigureAwait(false);
            if (instance?.State is { } json)
            {
                var state = (TState)serializer.Deserialize(Encoding.UTF8.GetBytes(json), typeof(TState));
                return new SagaSnapshot<TState>(key, state, instance.Version, instance.Completed ?? false, instance.PendingTimeouts ?? []);
            }
        }

        return null;
    }

    /// <summary>
    /// Waits until the saga instance of <paramref name="key"/> exists and its snapshot matches <paramref name="where"/>
    /// (any when null), and returns it.
    /// </summary>
    /// <exception cref="HarnessAssertionException">It did not before the bus was idle or the timeout passed; the message shows the last snapshot.</exception>
    public async Task<SagaSnapshot<TState>> SagaAsync<TState>(string key, Func<SagaSnapshot<TState>, bool>? where = null, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
        where TState : class
    {
        _ = SagasOf<TState>();
        SagaSnapshot<TState>? last = null;
        var outcome = await WaitAsync(
            () => last is not null && (where is null || where(last)) ? last : null,
            stopWhenIdle: true,
            timeout,
            cancellationToken,
            refresh: async ct => last = await FindSagaAsync<TState>(key, ct).ConfigureAwait(false)).ConfigureAwait(false);
        if (outcome.Value is { } found)
        {
            return found;
        }

        var seen = last is null
            ? "there is no such instance"
            : string.Create(CultureInfo.InvariantCulture, $"it is at version {last.Version}, {(last.Completed ? "completed" : "not completed")}, with {last.PendingTimeouts.Count} pending timeout(s) and the state {Json(last.State)}");
        var why = outcome.Idle ? "the bus became idle without it" : $"it did not within {outcome.Waited.TotalSeconds:0.###} s";
        throw new HarnessAssertionException($"Expected the {typeof(TState).Name} saga '{key}'{(where is null ? "" : " to match the condition")}; {why}, and {seen}.{(outcome.Scheduled is { } scheduled ? Environment.NewLine + scheduled : "")}");
    }

    /// <summary>Stops the host when the harness started it (<see cref="StartAsync"/>), and disposes it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _host, null) is { } host)
        {
            try
            {
                await host.StopAsync().ConfigureAwait(false);
            }
            finally
            {
                if (host is IAsyncDisposable asynchronous)
                {
                    await asynchronous.DisposeAsync().ConfigureAwait(false);
                }
                else
                {
                    host.Dispose();
                }
            }
        }
    }

    /// <summary>The registered name of <paramref name="type"/> with its CLR name, for failure messages.</summary>
    internal string Describe(Type type) =>
        _configuration.Registry.TryGetName(type, out var name) ? $"{type.Name} ({name})" : type.Name;

    /// <summary>
    /// Polls <paramref name="probe"/> at every change the harness records (and every few milliseconds) until it returns a
    /// value, or, with <paramref name="stopWhenIdle"/>, until the bus is idle (then probes once more), or until the timeout.
    /// </summary>
    internal async Task<WaitOutcome<T>> WaitAsync<T>(Func<T?> probe, bool stopWhenIdle, TimeSpan? timeout, CancellationToken cancellationToken, Func<CancellationToken, Task>? refresh = null)
        where T : class
    {
        var limit = timeout ?? Options.Timeout;
        var clock = Stopwatch.StartNew();
        string? pending = null;
        long? idleAt = null;
        while (true)
        {
            var changed = _recorder.Changed;
            if (refresh is not null)
            {
                await refresh(cancellationToken).ConfigureAwait(false);
            }

            if (probe() is { } found)
            {
                return new WaitOutcome<T>(found, false, clock.Elapsed, null, null);
            }

            if (stopWhenIdle)
            {
                var version = _recorder.Version;
                pending = await PendingAsync(cancellationToken).ConfigureAwait(false);
                if (pending is null)
                {
                    // Idle twice in a row with nothing recorded in between: nothing was between two places.
                    if (idleAt == version)
                    {
                        if (refresh is not null)
                        {
                            await refresh(cancellationToken).ConfigureAwait(false);
                        }

                        return new WaitOutcome<T>(probe(), true, clock.Elapsed, null, await ScheduledAsync(cancellationToken).ConfigureAwait(false));
                    }

                    idleAt = version;
                    await Task.Delay(1, cancellationToken).ConfigureAwait(false);
                    continue;
                }

                idleAt = null;
            }

            if (clock.Elapsed >= limit)
            {
                return new WaitOutcome<T>(probe(), false, clock.Elapsed, pending, await ScheduledAsync(cancellationToken).ConfigureAwait(false));
            }

            await Task.WhenAny(changed, Task.Delay(Poll, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    // What keeps the bus busy, in words; null when it is idle. The scheduled messages are listed before the queues are
    // counted: one scheduled in between is then counted as held (busy), never subtracted without having been counted.
    private async Task<string?> PendingAsync(CancellationToken cancellationToken)
    {
        var busy = new List<string>();
        var inFlight = _recorder.InFlight;
        if (inFlight > 0)
        {
            busy.Add(string.Create(CultureInfo.InvariantCulture, $"{inFlight} delivery(ies) in a pipeline"));
        }

        busy.AddRange(NotRunning().Select(q => $"endpoint '{q}' does not consume yet"));
        var now = _network.TimeProvider.GetUtcNow();
        foreach (var queue in _configuration.Endpoints.Select(e => e.Queue))
        {
            var scheduled = await _queues.ListScheduledAsync(queue, int.MaxValue, cancellationToken).ConfigureAwait(false);
            var notDue = scheduled.Count(s => s.DueAt > now);
            var held = _network.CountMessages(queue) - notDue;
            if (held > 0)
            {
                busy.Add(string.Create(CultureInfo.InvariantCulture, $"queue '{queue}' holds {held} message(s) not settled yet"));
            }
        }

        return busy.Count == 0 ? null : string.Join("; ", busy);
    }

    // The scheduled messages of the bus's queues, in words, for failure messages; null when there are none.
    private async Task<string?> ScheduledAsync(CancellationToken cancellationToken)
    {
        var all = new List<(string Queue, Transport.ScheduledMessage Message)>();
        foreach (var queue in _network.Queues)
        {
            all.AddRange((await _queues.ListScheduledAsync(queue, 100, cancellationToken).ConfigureAwait(false)).Select(m => (queue, m)));
        }

        if (all.Count == 0)
        {
            return null;
        }

        var now = _network.TimeProvider.GetUtcNow();
        var lines = all.OrderBy(s => s.Message.DueAt).Take(10).Select(s =>
            string.Create(CultureInfo.InvariantCulture, $"  - {s.Message.Envelope.MessageType} {s.Message.Envelope.MessageId} to '{s.Queue}', due in {s.Message.DueAt - now}"));
        var hint = Time is null ? "" : " (AdvanceTimeAsync makes them due)";
        return $"Scheduled for later{hint}:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
    }

    private async Task<DateTimeOffset?> NextDueAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset? next = null;
        foreach (var queue in _network.Queues)
        {
            var first = await _queues.ListScheduledAsync(queue, 1, cancellationToken).ConfigureAwait(false);
            if (first.Count > 0 && (next is null || first[0].DueAt < next))
            {
                next = first[0].DueAt;
            }
        }

        return next;
    }

    private string Json<TState>(TState state)
        where TState : class =>
        Encoding.UTF8.GetString(Services.GetRequiredService<IMessageSerializer>().Serialize(state, typeof(TState)).Span);

    private List<string> NotRunning() =>
        [.. Services.GetRequiredService<IEndpointMonitor>().Endpoints.Where(e => !e.Running).Select(e => e.Queue)];

    private List<SagaDescriptor> SagasOf<TState>()
    {
        var all = Services.GetServices<SagaDescriptor>().ToList();
        var matching = all.Where(s => !s.EventSourced && s.StateType == typeof(TState).Name).ToList();
        return matching.Count > 0
            ? matching
            : throw new InvalidOperationException($"No saga of the bus keeps a {typeof(TState).Name}; its sagas: {(all.Count == 0 ? "none" : string.Join(", ", all.Select(s => $"{s.Name} ({s.StateType})")))}.");
    }
}
