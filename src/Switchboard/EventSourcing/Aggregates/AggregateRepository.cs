using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switchboard.EventSourcing.Aggregates;

/// <summary>
/// Loads aggregates from their streams (from the latest snapshot on, when there is one) and saves their new events
/// with the version they were loaded at, so a concurrent change is a <see cref="WrongExpectedVersionException"/>
/// instead of a lost update. <c>HandleAsync</c> runs load, decide, save and retries on conflict.
/// </summary>
public sealed class AggregateRepository
{
    private const int PageSize = 500;

    private readonly IEventStoreReader _reader;
    private readonly IEventStoreWriter _writer;
    private readonly ISnapshotStore _snapshots;
    private readonly EventTypeMap _types;
    private readonly IReadOnlyDictionary<Type, AggregateOptions> _options;
    private readonly ILogger _logger;

    /// <summary>
    /// Creates a repository for the aggregate types in <paramref name="options"/> that loads through
    /// <paramref name="reader"/> (from <paramref name="snapshots"/> on) and saves through <paramref name="writer"/>.
    /// </summary>
    public AggregateRepository(IEventStoreReader reader, IEventStoreWriter writer, ISnapshotStore snapshots, EventTypeMap types, IReadOnlyDictionary<Type, AggregateOptions> options, ILogger<AggregateRepository>? logger = null)
    {
        _reader = reader ?? throw new ArgumentNullException(nameof(reader));
        _writer = writer ?? throw new ArgumentNullException(nameof(writer));
        _snapshots = snapshots ?? throw new ArgumentNullException(nameof(snapshots));
        _types = types ?? throw new ArgumentNullException(nameof(types));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <summary>The stream of aggregate <paramref name="id"/> of type <typeparamref name="TAggregate"/>.</summary>
    public string StreamOf<TAggregate>(string id) => StreamNames.For(OptionsOf(typeof(TAggregate)).Category, id);

    /// <summary>Loads aggregate <paramref name="id"/>; a new one (version 0) when its stream has no events.</summary>
    public async Task<TAggregate> LoadAsync<TAggregate>(string id, CancellationToken cancellationToken = default)
        where TAggregate : class, new()
    {
        var aggregate = new TAggregate();
        var loader = Loader.For(aggregate);
        var options = OptionsOf(typeof(TAggregate));
        var stream = StreamNames.For(options.Category, id);
        var version = await loader.RestoreSnapshotAsync(this, aggregate, id, stream, options, cancellationToken).ConfigureAwait(false);
        while (true)
        {
            var events = await _reader.ReadStreamAsync(stream, version + 1, ReadDirection.Forwards, PageSize, cancellationToken).ConfigureAwait(false);
            foreach (var recorded in events)
            {
                loader.Replay(aggregate, _types.Deserialize(recorded), recorded.StreamVersion);
                version = recorded.StreamVersion;
            }

            if (events.Count < PageSize)
            {
                return aggregate;
            }
        }
    }

    /// <summary>
    /// Appends the aggregate's new events, expecting its stream at the version it was loaded at, and takes a snapshot
    /// when the save crosses a multiple of <see cref="AggregateOptions.SnapshotEvery"/>. Nothing to save: no append.
    /// </summary>
    public async Task<AppendResult?> SaveAsync<TAggregate>(TAggregate aggregate, EventMetadata? metadata = null, CancellationToken cancellationToken = default)
        where TAggregate : class
    {
        var (stream, before, events) = Pending(aggregate, metadata);
        if (events.Count == 0)
        {
            return null;
        }

        var result = await _writer.AppendAsync(stream, ExpectedVersion.Exact(before), events, cancellationToken).ConfigureAwait(false);
        await SavedAsync(aggregate, result.StreamVersion, cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>The aggregate's stream, the version it was loaded at and its new events (none: nothing to save).</summary>
    internal (string Stream, long Version, IReadOnlyList<EventData> Events) Pending(object aggregate, EventMetadata? metadata)
    {
        ArgumentNullException.ThrowIfNull(aggregate);
        var loader = Loader.For(aggregate);
        var changes = loader.Changes(aggregate);
        var stream = StreamNames.For(OptionsOf(aggregate.GetType()).Category, loader.Id(aggregate));
        if (changes.Count == 0)
        {
            return (stream, loader.Version(aggregate), []);
        }

        // Events appended inside a trace remember it, so that the messages forwarding them continue it.
        if (metadata?.TraceParent is null && Activity.Current?.Id is { } traceParent)
        {
            metadata = (metadata ?? EventMetadata.Empty) with { TraceParent = traceParent };
        }

        return (stream, loader.Version(aggregate), changes.Select(e => _types.ToEventData(e, metadata: metadata)).ToList());
    }

    /// <summary>
    /// The aggregate's new events are stored, its stream now at <paramref name="version"/>: it starts afresh from there,
    /// and a snapshot is taken when the save crossed a multiple of <see cref="AggregateOptions.SnapshotEvery"/>.
    /// </summary>
    internal async Task SavedAsync(object aggregate, long version, CancellationToken cancellationToken)
    {
        var loader = Loader.For(aggregate);
        var options = OptionsOf(aggregate.GetType());
        var before = loader.Version(aggregate);
        loader.MarkSaved(aggregate, version);
        if (options.SnapshotEvery > 0 && version / options.SnapshotEvery > before / options.SnapshotEvery)
        {
            await SaveSnapshotAsync(StreamNames.For(options.Category, loader.Id(aggregate)), version, loader, aggregate, options, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Loads aggregate <paramref name="id"/>, lets <paramref name="decide"/> run a command on it and saves what it
    /// raised; when another writer saved first, loads and decides again (up to <see cref="AggregateOptions.MaxConflictRetries"/>).
    /// </summary>
    public async Task<TAggregate> HandleAsync<TAggregate>(string id, Func<TAggregate, CancellationToken, ValueTask> decide, EventMetadata? metadata = null, CancellationToken cancellationToken = default)
        where TAggregate : class, new()
    {
        ArgumentNullException.ThrowIfNull(decide);
        var retries = OptionsOf(typeof(TAggregate)).MaxConflictRetries;
        for (var attempt = 0; ; attempt++)
        {
            var aggregate = await LoadAsync<TAggregate>(id, cancellationToken).ConfigureAwait(false);
            await decide(aggregate, cancellationToken).ConfigureAwait(false);
            try
            {
                await SaveAsync(aggregate, metadata, cancellationToken).ConfigureAwait(false);
                return aggregate;
            }
            catch (WrongExpectedVersionException) when (attempt < retries)
            {
                // Another writer got there first: decide again on the state it left.
            }
        }
    }

    /// <summary>Runs a command that needs no async work (see the other overload).</summary>
    public Task<TAggregate> HandleAsync<TAggregate>(string id, Action<TAggregate> decide, EventMetadata? metadata = null, CancellationToken cancellationToken = default)
        where TAggregate : class, new()
    {
        ArgumentNullException.ThrowIfNull(decide);
        return HandleAsync<TAggregate>(id, (aggregate, _) =>
        {
            decide(aggregate);
            return ValueTask.CompletedTask;
        }, metadata, cancellationToken);
    }

    private AggregateOptions OptionsOf(Type type) =>
        _options.TryGetValue(type, out var options)
            ? options
            : throw new InvalidOperationException($"{type} is not a registered aggregate. Register it with Aggregate<{type.Name}>(\"category\").");

    private static string SnapshotType(Type stateType, AggregateOptions options) =>
        string.Create(CultureInfo.InvariantCulture, $"{stateType.FullName}:{options.SnapshotSchema}");

    // Snapshots only make loads cheaper: a failure to take one is logged, never the save's failure.
    private async Task SaveSnapshotAsync(string stream, long version, Loader loader, object aggregate, AggregateOptions options, CancellationToken cancellationToken)
    {
        try
        {
            var data = JsonSerializer.SerializeToUtf8Bytes(loader.State(aggregate), loader.StateType, _types.Json);
            await _snapshots.SaveSnapshotAsync(new Snapshot(stream, version, SnapshotType(loader.StateType, options), data), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            _logger.LogWarning(exception, "Could not save a snapshot of {Stream}; loads replay more events until the next one", stream);
        }
    }

    // Bridges the generic aggregate base to the repository's non-generic code without reflection per event.
    private abstract class Loader
    {
        public abstract Type StateType { get; }

        // One per aggregate type: a load, a save and an event session's commit each need it, and building one is reflection.
        private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Loader> ByType = new();

        public static Loader For(object aggregate) => ByType.GetOrAdd(aggregate.GetType(), Create);

        private static Loader Create(Type aggregateType)
        {
            for (var type = aggregateType; type is not null; type = type.BaseType)
            {
                if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(Aggregate<>))
                {
                    return (Loader)Activator.CreateInstance(typeof(Loader<>).MakeGenericType(type.GetGenericArguments()[0]))!;
                }
            }

            throw new InvalidOperationException($"{aggregateType} does not derive from Aggregate<TState>.");
        }

        public abstract IReadOnlyList<object> Changes(object aggregate);

        public abstract string Id(object aggregate);

        public abstract long Version(object aggregate);

        public abstract object State(object aggregate);

        public abstract void Replay(object aggregate, object @event, long version);

        public abstract void MarkSaved(object aggregate, long version);

        public abstract ValueTask<long> RestoreSnapshotAsync(AggregateRepository repository, object aggregate, string id, string stream, AggregateOptions options, CancellationToken cancellationToken);
    }

    private sealed class Loader<TState> : Loader
        where TState : class, new()
    {
        public override Type StateType => typeof(TState);

        public override IReadOnlyList<object> Changes(object aggregate) => ((Aggregate<TState>)aggregate).Changes;

        public override string Id(object aggregate) => ((Aggregate<TState>)aggregate).Id;

        public override long Version(object aggregate) => ((Aggregate<TState>)aggregate).Version;

        public override object State(object aggregate) => ((Aggregate<TState>)aggregate).State;

        public override void Replay(object aggregate, object @event, long version) => ((Aggregate<TState>)aggregate).Replay(@event, version);

        public override void MarkSaved(object aggregate, long version) => ((Aggregate<TState>)aggregate).MarkSaved(version);

        public override async ValueTask<long> RestoreSnapshotAsync(AggregateRepository repository, object aggregate, string id, string stream, AggregateOptions options, CancellationToken cancellationToken)
        {
            var typed = (Aggregate<TState>)aggregate;
            typed.Restore(id, 0, new TState());
            if (options.SnapshotEvery <= 0)
            {
                return 0;
            }

            var snapshot = await repository._snapshots.LoadSnapshotAsync(stream, cancellationToken).ConfigureAwait(false);
            if (snapshot is null || snapshot.Type != SnapshotType(typeof(TState), options))
            {
                return 0;
            }

            try
            {
                var state = JsonSerializer.Deserialize<TState>(snapshot.Data.Span, repository._types.Json);
                if (state is null)
                {
                    return 0;
                }

                typed.Restore(id, snapshot.Version, state);
                return snapshot.Version;
            }
            catch (JsonException exception)
            {
                repository._logger.LogWarning(exception, "Ignoring the snapshot of {Stream}, which no longer fits the state type; replaying its events", stream);
                return 0;
            }
        }
    }
}
