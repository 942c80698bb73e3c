using Switchboard.Messages;
using Switchboard.Persistence;
using Switchboard.Sqlite.Writing;

namespace Switchboard.Sqlite.Store;

/// <summary>
/// The commit of a unit of work whose handlers did not lease the database: its <see cref="DeferredWrites"/> (inbox
/// records, the handlers' <see cref="StoreWrite"/>s, saga saves, event appends and outgoing messages), written in the
/// writer's next group commit under a savepoint, all or nothing. The checks run where the writes do (one writer holds
/// the database), so a concurrent duplicate, a stale saga or stream version, or a handler's statement that changed an
/// unexpected number of rows, fails this unit alone with <see cref="ConcurrencyConflictException"/>.
/// </summary>
internal sealed class UnitOfWorkWrite(DeferredWrites deferred, bool direct) : WriteOperation<bool>
{
    public override void Execute(WriteBatch batch)
    {
        StoreCommands.SavepointUnit(batch);
        try
        {
            deferred.WriteTo(batch, direct);
        }
        catch
        {
            // A write that ended the transaction itself took the savepoint with it; the writer unwinds the batch.
            if (!batch.TransactionEnded)
            {
                StoreCommands.RollbackUnit(batch);
            }

            throw;
        }

        StoreCommands.ReleaseUnit(batch);
    }
}
