using Switchboard.EventSourcing;
using Switchboard.Persistence;

namespace Switchboard.InMemory;

/// <summary>The appends of one in-memory unit of work: staged in one event store transaction at the unit's commit.</summary>
internal sealed class EnlistedAppends(InMemoryEventStore store) : IInMemoryCommitWork
{
    private readonly List<(string StreamId, ExpectedVersion Expected, IReadOnlyList<EventData> Events)> _appends = [];
    private IEventStoreTransaction? _transaction;

    /// <summary>The event store the appends go to (one unit of work may carry appends to several).</summary>
    public InMemoryEventStore Store => store;

    public void Add(string streamId, ExpectedVersion expected, IReadOnlyList<EventData> events) => _appends.Add((streamId, expected, [.. events]));

    public async ValueTask PrepareAsync(CancellationToken cancellationToken)
    {
        _transaction = await store.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (streamId, expected, events) in _appends)
        {
            try
            {
                await _transaction.AppendAsync(streamId, expected, events, cancellationToken).ConfigureAwait(false);
            }
            catch (WrongExpectedVersionException e)
            {
                throw new ConcurrencyConflictException(e.Message, e);
            }
        }
    }

    public void Commit() => _transaction!.CommitAsync().AsTask().GetAwaiter().GetResult();

    public async ValueTask AbortAsync()
    {
        if (_transaction is { } transaction)
        {
            _transaction = null;
            await transaction.DisposeAsync().ConfigureAwait(false);
        }
    }
}
