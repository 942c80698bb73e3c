namespace Switchboard.Sqlite.Writing;

/// <summary>A rarely used write (declare, re-drive, purge) expressed as a function of the open batch.</summary>
internal sealed class DelegateOperation<T>(Func<WriteBatch, T> execute) : WriteOperation<T>
{
    public override void Execute(WriteBatch batch) => Result = execute(batch);
}
