using System.Data.Common;
using Switchboard.EventSourcing;
using Switchboard.Sqlite.Store;
using Switchboard.Sqlite.Writing;

namespace Switchboard.Sqlite.Events;

/// <summary>
/// A transaction on the event store: the writer's connection, lent under a savepoint inside its open batch
/// (<see cref="UnitOfWorkLease"/>). Appends and checkpoints run on it at once, so a wrong expected version throws
/// at once; everything becomes durable and visible when the batch commits after <see cref="CommitAsync"/>. Every
/// other write of the process waits meanwhile, as SQLite allows one writer at a time anyway.
/// </summary>
internal sealed class SqliteEventStoreTransaction(UnitOfWorkLease lease, WriteBatch batch) : ISqlEventStoreTransaction
{
    private bool _finished;

    public DbConnection Connection => batch.Connection;

    public DbTransaction Transaction => batch.Transaction;

    /// <summary>On the writer's connection, prepared once per text and kept (<see cref="HandlerStatements"/>).</summary>
    public ValueTask<int> ExecuteAsync(string sql, object?[] parameters, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        return ValueTask.FromResult(batch.Kept(connection => new HandlerStatements(connection)).Execute(batch.Transaction, sql, parameters));
    }

    public ValueTask<AppendResult> AppendAsync(string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        AppendRules.Validate(streamId, events);
        return ValueTask.FromResult(EventWrites.Append(batch, streamId, expectedVersion, events));
    }

    public ValueTask SaveCheckpointAsync(string name, long position, CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        EventWrites.SaveCheckpoint(batch, name, position);
        return ValueTask.CompletedTask;
    }

    public async ValueTask CommitAsync(CancellationToken cancellationToken = default)
    {
        EnsureOpen();
        _finished = true;
        lease.Finish(commit: true);
        await lease.Completion.ConfigureAwait(false);
    }

    public ValueTask DisposeAsync()
    {
        if (!_finished)
        {
            _finished = true;
            lease.Finish(commit: false);
        }

        return ValueTask.CompletedTask;
    }

    private void EnsureOpen() => ObjectDisposedException.ThrowIf(_finished, this);
}
