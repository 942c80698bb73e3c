namespace Switchboard.Sqlite.Writing;

/// <summary>
/// One unit of work for the writer, committed together with whatever else is waiting (group commit).
/// Its task completes only after the transaction that contains it has committed.
/// </summary>
internal abstract class WriteOperation
{
    /// <summary>
    /// Runs inside the batch's transaction. It may run more than once if the batch is retried, so it must not
    /// keep state from an earlier run. Throwing fails this operation alone, and it must throw before writing.
    /// </summary>
    public abstract void Execute(WriteBatch batch);

    /// <summary>False for operations that cannot be run a second time when their batch is retried (units of work).</summary>
    public virtual bool CanRunAgain => true;

    /// <summary>What kind of write this is, for metrics (the type's name: a small fixed set).</summary>
    public string Kind => GetType().Name;

    /// <summary>When it was queued (<see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>), for the writer's wait metric.</summary>
    public long QueuedAt { get; set; }

    /// <summary>The transaction committed (and this operation's <see cref="Execute"/> did not throw).</summary>
    public abstract void Succeed();

    /// <summary>This operation failed, or its transaction did.</summary>
    public abstract void Fail(Exception error);
}

/// <summary>A write operation whose caller awaits a result.</summary>
internal abstract class WriteOperation<T> : WriteOperation
{
    private readonly TaskCompletionSource<T> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<T> Completion => _completion.Task;

    protected T Result { get; set; } = default!;

    public override void Succeed() => _completion.TrySetResult(Result);

    public override void Fail(Exception error) => _completion.TrySetException(error);
}
