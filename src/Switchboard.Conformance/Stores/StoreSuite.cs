using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.Persistence;
using Switchboard.Pipeline;
using Switchboard.Conformance.Harness;
using Switchboard.Transport;
using Xunit;

namespace Switchboard.Conformance.Stores;

/// <summary>
/// Base of every store suite: an isolated store per test (<see cref="IStoreScope"/>), raw store instances on it for
/// tests below the bus, and a helper that starts buses (each a "process") on it, with fast relay settings.
/// Suites test the store contract only; they never look at a provider's internals.
/// </summary>
public abstract class StoreSuite<TFactory> : IAsyncLifetime
    where TFactory : IStoreFactory, new()
{
    private readonly List<RunningBus> _buses = [];
    private readonly List<IMessageStore> _stores = [];
    private IStoreScope? _scope;

    /// <summary>Generous timeout for waiting on deliveries and state: suites check behaviour, not speed.</summary>
    protected static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    /// <summary>How long a test gives something a chance to happen when it asserts that it did not.</summary>
    protected static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(1000);

    /// <summary>
    /// Relay settings fast enough for tests: a round every 100 ms, messages left behind are taken after 500 ms,
    /// failed dispatches retried from 50 ms.
    /// </summary>
    protected static StoreOptions FastStore { get; } = new()
    {
        RelayInterval = TimeSpan.FromMilliseconds(100),
        DispatchGrace = TimeSpan.FromMilliseconds(500),
        FirstRetryDelay = TimeSpan.FromMilliseconds(50),
        MaxRetryDelay = TimeSpan.FromMilliseconds(500),
    };

    /// <summary>A retry policy fast enough for tests: 1 immediate, 1 delayed after 50 ms.</summary>
    protected static RetryPolicy FastRetries { get; } = new() { ImmediateRetries = 1, DelayedRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(50), MaxDelay = TimeSpan.FromMilliseconds(200) };

    /// <summary>The provider's factory.</summary>
    protected TFactory Factory { get; } = new();

    /// <summary>The test's store.</summary>
    protected IStoreScope Scope => _scope ?? throw new InvalidOperationException("The test has not been initialised.");

    /// <summary>What the test's recording handlers saw, across all its buses.</summary>
    protected MessageRecorder Recorder { get; } = new();

    /// <summary>What the test's recording handlers do before recording.</summary>
    protected HandlerBehavior Behavior { get; } = new();

    /// <summary>How every message the test's buses received was settled.</summary>
    protected SettlementLog Settlements { get; } = new();

    /// <summary>What the suites' sagas and handlers saw and did, across all the test's buses.</summary>
    protected StoreProbe Probe { get; } = new();

    /// <inheritdoc />
    public async Task InitializeAsync() => _scope = await Factory.CreateScopeAsync().ConfigureAwait(false);

    /// <inheritdoc />
    public async Task DisposeAsync()
    {
        foreach (var bus in _buses)
        {
            await bus.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var store in _stores)
        {
            await store.DisposeAsync().ConfigureAwait(false);
        }

        if (_scope is not null)
        {
            await _scope.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A new, initialized store instance on the test's data, for tests below the bus; disposed with the test.</summary>
    protected async Task<IMessageStore> OpenStoreAsync()
    {
        var store = Scope.CreateStore();
        _stores.Add(store);
        await store.InitializeAsync().ConfigureAwait(false);
        return store;
    }

    /// <summary>
    /// Starts a bus on the test's store (and the transport the provider pairs it with), with <see cref="FastStore"/>,
    /// the harness and store test messages registered, the recorder, behaviour, settlement log and probe available,
    /// and every receive recorded in <see cref="Settlements"/>; <paramref name="configure"/> adds endpoints and routes.
    /// </summary>
    protected async Task<RunningBus> StartBusAsync(Action<SwitchboardBuilder> configure, string? name = null, StoreOptions? options = null)
    {
        name ??= "bus-" + (_buses.Count + 1);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddSingleton(Recorder);
        builder.Services.AddSingleton(Behavior);
        builder.Services.AddSingleton(Settlements);
        builder.Services.AddSingleton(Probe);
        builder.Services.AddSingleton(new ConsumerName(name));
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(2));
        builder.Services.AddSwitchboard(bus =>
        {
            bus.AddTestMessages();
            bus.AddStoreTestMessages();
            Scope.Configure(bus, options ?? FastStore);
            bus.ConfigurePipeline(p => p.InsertBefore(StepNames.Acknowledge, SettlementObserver.StepName, _ => new SettlementObserver(Settlements)));
            configure(bus);
        });
        var host = builder.Build();
        await host.StartAsync().ConfigureAwait(false);
        var running = new RunningBus(host, name);
        _buses.Add(running);
        return running;
    }

    /// <summary>
    /// Makes sure <paramref name="queues"/> exist on the transport, by starting and stopping a bus that declares them:
    /// a store that joins the transport (e.g. SQLite on the SQLite transport) may refuse to enlist a send to a queue
    /// nobody declared. The bus consumes nothing once stopped.
    /// </summary>
    protected async Task DeclareQueuesAsync(params string[] queues)
    {
        var bus = await StartBusAsync(b =>
        {
            foreach (var queue in queues)
            {
                b.Endpoint(queue, Recording());
            }
        }, "declarer-" + (_buses.Count + 1)).ConfigureAwait(false);
        await bus.StopAsync().ConfigureAwait(false);
    }

    /// <summary>Loads a saga instance in a transaction of its own.</summary>
    protected static async Task<SagaRecord?> LoadSagaAsync(IMessageStore store, string saga, string key)
    {
        var transaction = await store.BeginAsync().ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            return await transaction.LoadSagaAsync(saga, key).ConfigureAwait(false);
        }
    }

    /// <summary>Polls a saga instance until it exists and satisfies <paramref name="condition"/>; fails the test after <see cref="Patience"/>.</summary>
    protected static async Task<SagaRecord> WaitForSagaAsync(IMessageStore store, string saga, string key, Func<SagaRecord, bool> condition, string what)
    {
        SagaRecord? last = null;
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            last = await LoadSagaAsync(store, saga, key).ConfigureAwait(false);
            if (last is not null && condition(last))
            {
                return last;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {Patience} waiting for saga '{saga}' {key} to be {what}; it is {(last is null ? "missing" : $"at version {last.Version}, completed: {last.Completed}, state {last.State}")}.");
            }

            await Task.Delay(50).ConfigureAwait(false);
        }
    }

    /// <summary>Reads a saga's stored JSON state (web defaults, as the bus's serializer writes it).</summary>
    protected static T ReadState<T>(SagaRecord record) =>
        JsonSerializer.Deserialize<T>(record.State, JsonSerializerOptions.Web)
        ?? throw new InvalidOperationException($"Saga '{record.Saga}' {record.Key} has a null state.");

    /// <summary>Asserts that two JSON texts are the same value (a store may normalize whitespace and key order).</summary>
    protected static void AssertSameJson(string expected, string actual)
    {
        using var e = JsonDocument.Parse(expected);
        using var a = JsonDocument.Parse(actual);
        Assert.True(JsonElement.DeepEquals(e.RootElement, a.RootElement), $"Expected JSON {expected}, got {actual}.");
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

    /// <summary>Runs <paramref name="action"/> and returns what it threw, or null when it succeeded.</summary>
    protected static async Task<Exception?> OutcomeAsync(Func<Task> action)
    {
        try
        {
            await action().ConfigureAwait(false);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    /// <summary>An endpoint that records every harness message type with the recording handler.</summary>
    protected static Action<EndpointBuilder> Recording(RetryPolicy? retry = null, int concurrency = 4, bool transactional = false) => e =>
    {
        e.Handle<TestCommand, RecordingHandler>()
            .Handle<TestEvent, RecordingHandler>()
            .Handle<FollowUp, RecordingHandler>()
            .Concurrency(concurrency);
        if (retry is not null)
        {
            e.Retry(retry);
        }

        if (transactional)
        {
            e.Transactional();
        }
    };
}
