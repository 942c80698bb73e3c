using Microsoft.Data.Sqlite;
using Switchboard.Sqlite.Writing;

namespace Switchboard.Sqlite.Store;

/// <summary>
/// Lends the writer's connection to one unit of work whose handler runs its own SQL: inside the writer's open
/// batch transaction, under a savepoint. The writer thread waits while the handler works (SQLite has one writer
/// at a time anyway), then releases the savepoint or rolls back to it; the unit is durable when the batch commits,
/// together with everything else in it. A lease cannot be replayed, so a batch that must be retried fails it.
/// </summary>
internal sealed class UnitOfWorkLease : WriteOperation<bool>
{
    private const string Savepoint = "sb_unit";
    private static readonly TimeSpan WarnEvery = TimeSpan.FromSeconds(10);

    private readonly TaskCompletionSource<WriteBatch> _granted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ManualResetEventSlim _finished = new(false);
    private readonly Microsoft.Extensions.Logging.ILogger _logger;
    private bool _commit;

    public UnitOfWorkLease(Microsoft.Extensions.Logging.ILogger logger) => _logger = logger;

    public override bool CanRunAgain => false;

    /// <summary>The batch whose connection and transaction the holder may use until <see cref="Finish"/>.</summary>
    public Task<WriteBatch> Granted => _granted.Task;

    /// <summary>Ends the holder's use of the connection: keep its changes (they commit with the batch) or undo them.</summary>
    public void Finish(bool commit)
    {
        _commit = commit;
        _finished.Set();
    }

    public override void Execute(WriteBatch batch)
    {
        if (_finished.IsSet)
        {
            Result = false; // the holder gave up before its turn came
            return;
        }

        batch.Transaction.Save(Savepoint);
        var handOffs = batch.Messages.HandOffCount;
        _granted.TrySetResult(batch);
        while (!_finished.Wait(WarnEvery))
        {
            Microsoft.Extensions.Logging.LoggerExtensions.LogWarning(_logger, "A unit of work has held the SQLite writer for {Seconds} s; every write in this process waits for it. Make external calls before touching the database.", WarnEvery.TotalSeconds);
        }

        if (batch.TransactionEnded)
        {
            // The holder's SQL ended the transaction (and the savepoint); the writer unwinds the batch.
            throw new InvalidOperationException("A unit of work's SQL ended the SQLite writer's transaction (a ROLLBACK, INSERT OR ROLLBACK or RAISE(ROLLBACK)); nothing of the unit was kept.");
        }

        if (_commit)
        {
            batch.Transaction.Release(Savepoint);
            Result = true;
        }
        else
        {
            batch.Transaction.Rollback(Savepoint);
            batch.Transaction.Release(Savepoint);
            batch.Messages.ReleaseHandOffs(handOffs); // their rows are gone with the savepoint
            Result = false;
        }
    }

    public override void Fail(Exception error)
    {
        _granted.TrySetException(error);
        base.Fail(error);
    }
}
