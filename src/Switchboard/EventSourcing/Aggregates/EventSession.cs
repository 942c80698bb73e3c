using System.Diagnostics;
using Switchboard.Messages;
using Switchboard.Persistence;

namespace Switchboard.EventSourcing.Aggregates;

/// <summary>
/// The scoped <see cref="IEventSession"/>: tracks what the handlers load and append, and enlists it in the store
/// transaction when the unit of work commits (through the event store's <see cref="IEventStoreEnlistment"/>).
/// </summary>
internal sealed class EventSession : IEventSession, IUnitOfWorkParticipant
{
    private readonly UnitOfWork _unitOfWork;
    private readonly AggregateRepository _aggregates;
    private readonly EventTypeMap _types;
    private readonly IEventStoreEnlistment _enlistment;
    private readonly Dictionary<(Type Type, string Id), object> _loaded = [];
    private readonly List<(string StreamId, ExpectedVersion Expected, IReadOnlyList<object> Events)> _appends = [];
    private readonly List<(object Aggregate, long Version)> _saved = [];

    public EventSession(UnitOfWork unitOfWork, AggregateRepository aggregates, EventTypeMap types, IEventStore events, IMessageStore store)
    {
        _unitOfWork = unitOfWork;
        _aggregates = aggregates;
        _types = types;
        _enlistment = events is IEventStoreEnlistment enlistment && enlistment.CanEnlistIn(store)
            ? enlistment
            : throw new InvalidOperationException(
                $"The {events.Name} event store cannot append in units of work of the {store.Name} store: an event session needs both in one database " +
                "(UseSqliteStore() with UseSqliteEventStore() on the same file, UsePostgreSqlStore and UsePostgreSqlEventStore on the same database, or the in-memory pair).");
    }

    public async ValueTask<TAggregate> LoadAsync<TAggregate>(string id, CancellationToken cancellationToken = default)
        where TAggregate : class, new()
    {
        ArgumentException.ThrowIfNullOrEmpty(id);
        _unitOfWork.Join(this);
        if (_loaded.TryGetValue((typeof(TAggregate), id), out var loaded))
        {
            return (TAggregate)loaded;
        }

        var aggregate = await _aggregates.LoadAsync<TAggregate>(id, cancellationToken).ConfigureAwait(false);
        _loaded[(typeof(TAggregate), id)] = aggregate;
        return aggregate;
    }

    public void Append(string streamId, ExpectedVersion expectedVersion, params IReadOnlyList<object> events)
    {
        StreamNames.Validate(streamId);
        ArgumentNullException.ThrowIfNull(events);
        _unitOfWork.Join(this);
        if (events.Count > 0)
        {
            _appends.Add((streamId, expectedVersion, [.. events]));
        }
    }

    public async ValueTask BeforeCommitAsync(IStoreTransaction transaction, Envelope envelope, CancellationToken cancellationToken)
    {
        var metadata = new EventMetadata { CorrelationId = envelope.CorrelationId, CausationId = envelope.MessageId, TraceParent = Activity.Current?.Id ?? envelope.TraceParent };
        foreach (var aggregate in _loaded.Values)
        {
            var (stream, version, events) = _aggregates.Pending(aggregate, metadata);
            if (events.Count > 0)
            {
                await _enlistment.EnlistAppendAsync(transaction, stream, ExpectedVersion.Exact(version), events, cancellationToken).ConfigureAwait(false);
                _saved.Add((aggregate, version + events.Count));
            }
        }

        foreach (var (stream, expected, events) in _appends)
        {
            var data = new EventData[events.Count];
            for (var i = 0; i < data.Length; i++)
            {
                data[i] = _types.ToEventData(events[i], metadata: metadata);
            }

            await _enlistment.EnlistAppendAsync(transaction, stream, expected, data, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask AfterCommitAsync(CancellationToken cancellationToken)
    {
        foreach (var (aggregate, version) in _saved)
        {
            await _aggregates.SavedAsync(aggregate, version, cancellationToken).ConfigureAwait(false);
        }

        Discard();
    }

    public void Discard()
    {
        _loaded.Clear();
        _appends.Clear();
        _saved.Clear();
    }
}
