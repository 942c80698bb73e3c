using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Switchboard.Sqlite.Writing;

/// <summary>
/// The one writer of a process: a dedicated thread that takes every operation waiting (up to
/// <see cref="SqliteTransportOptions.MaxBatch"/>) and commits them in one <c>BEGIN IMMEDIATE</c> transaction.
/// While one commit is being synced to disk the next batch gathers, so throughput comes from group commit, not
/// from weaker durability. Operation tasks complete only after their commit.
/// </summary>
internal sealed class SqliteWriter : IAsyncDisposable
{
    private const int MaxTransactionAttempts = 10;

    private readonly Channel<WriteOperation> _pending;
    private readonly SqliteConnections _connections;
    private readonly SqliteTransportOptions _options;
    private readonly QueueSignals _signals;
    private readonly ILogger _logger;
    private readonly Thread _thread;
    private readonly TaskCompletionSource _stopped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Per operation of the batch being committed: the hand-off count after it ran (only the writer's thread uses it).
    private readonly List<int> _handOffEnds = [];
    private long _commits;

    public SqliteWriter(SqliteConnections connections, SqliteTransportOptions options, QueueSignals signals, ILogger logger)
    {
        _connections = connections;
        _options = options;
        _signals = signals;
        _logger = logger;
        _pending = Channel.CreateBounded<WriteOperation>(new BoundedChannelOptions(options.WriteQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _thread = new Thread(Run) { IsBackground = true, Name = "Switchboard SQLite writer" };
        _thread.Start();
    }

    /// <summary>This process's receivers, which the writer hands new messages to (<see cref="MessageRows"/>).</summary>
    public LocalReceivers Receivers { get; } = new();

    /// <summary>Queues an operation; waits while the writer's queue is full.</summary>
    public ValueTask EnqueueAsync(WriteOperation operation, CancellationToken cancellationToken = default)
    {
        operation.QueuedAt = Stopwatch.GetTimestamp();
        if (_pending.Writer.TryWrite(operation))
        {
            return ValueTask.CompletedTask;
        }

        return _pending.Writer.WriteAsync(operation, cancellationToken);
    }

    /// <summary>Queues an operation and waits for its commit.</summary>
    public async Task<T> ExecuteAsync<T>(WriteOperation<T> operation, CancellationToken cancellationToken = default)
    {
        await EnqueueAsync(operation, cancellationToken).ConfigureAwait(false);
        return await operation.Completion.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _stopped.Task.ConfigureAwait(false);
    }

    private void Run()
    {
        try
        {
            using var connection = _connections.Open();
            using var statements = new Statements(connection);
            using var batch = new WriteBatch(connection, statements, Receivers);
            var operations = new List<WriteOperation>(_options.MaxBatch);
            var reader = _pending.Reader;
            while (reader.WaitToReadAsync().AsTask().GetAwaiter().GetResult())
            {
                while (operations.Count < _options.MaxBatch && reader.TryRead(out var operation))
                {
                    operations.Add(operation);
                }

                Commit(connection, batch, operations);
                operations.Clear();
            }
        }
        catch (Exception e)
        {
            _logger.LogCritical(e, "The SQLite writer stopped");
            FailEverythingPending(e);
        }
        finally
        {
            _stopped.TrySetResult();
        }
    }

    private void Commit(SqliteConnection connection, WriteBatch batch, List<WriteOperation> operations)
    {
        var failed = new Dictionary<WriteOperation, Exception>();
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            failed.Clear();
            SqliteTransaction? transaction = null;
            try
            {
                transaction = connection.BeginTransaction(deferred: false); // BEGIN IMMEDIATE
                batch.Begin(UnixMilliseconds.Now(), transaction);
                _handOffEnds.Clear();
                foreach (var operation in operations)
                {
                    var handOffs = batch.Messages.HandOffCount;
                    try
                    {
                        operation.Execute(batch);
                    }
                    catch (Exception e) when (e is not SqliteException { SqliteErrorCode: SQLitePCL.raw.SQLITE_BUSY or SQLitePCL.raw.SQLITE_IOERR or SQLitePCL.raw.SQLITE_FULL or SQLitePCL.raw.SQLITE_NOMEM })
                    {
                        batch.Messages.ReleaseHandOffs(handOffs);
                        failed[operation] = e;
                        if (batch.TransactionEnded)
                        {
                            throw new BatchRolledBack(operation, e);
                        }
                    }

                    _handOffEnds.Add(batch.Messages.HandOffCount);
                }

                transaction.Commit();
                transaction.Dispose();
                break;
            }
            catch (BatchRolledBack rolledBack)
            {
                // The operation's SQL ended the transaction, and everything written before it in this batch with it: it
                // fails, the operations that cannot run again fail too, and the rest run again in a new transaction.
                TryRollback(transaction);
                batch.Messages.ReleaseHandOffs(0);
                operations.Remove(rolledBack.Operation);
                rolledBack.Operation.Fail(rolledBack.Error);
                FailWhatCannotRunAgain(operations, new InvalidOperationException("Another operation in the SQLite writer's batch rolled its transaction back.", rolledBack.Error));
                _logger.LogWarning(rolledBack.Error, "A write in a SQLite batch of {Count} operation(s) rolled the batch's transaction back; it fails, and the others run again", operations.Count + 1);
            }
            catch (SqliteException e) when (attempt < MaxTransactionAttempts)
            {
                // Busy beyond the timeout, or an I/O error: nothing of this batch was committed, so it is safe to run
                // again, except for units of work whose callers ran their part already: those fail and retry themselves.
                TryRollback(transaction);
                batch.Messages.ReleaseHandOffs(0);
                FailWhatCannotRunAgain(operations, e);
                _logger.LogWarning(e, "SQLite batch of {Count} operation(s) failed (attempt {Attempt}); retrying", operations.Count, attempt);
                Thread.Sleep(TimeSpan.FromMilliseconds(10 * attempt));
            }
            catch (Exception e)
            {
                TryRollback(transaction);
                batch.Messages.ReleaseHandOffs(0);
                foreach (var operation in operations)
                {
                    operation.Fail(e);
                }

                return;
            }
        }

        WriterMetrics.Committed(operations, started);
        // In operation order, each one's hand-offs right after it: a claim delivers its messages in Succeed, and a
        // message handed off by a later operation must reach the receiver after them.
        for (var i = 0; i < operations.Count; i++)
        {
            if (failed.TryGetValue(operations[i], out var error))
            {
                operations[i].Fail(error);
            }
            else
            {
                operations[i].Succeed();
            }

            batch.Messages.DeliverHandOffs(_handOffEnds[i]);
        }

        batch.Messages.ClearDelivered();
        foreach (var queue in batch.Touched)
        {
            _signals.Pulse(queue);
        }

        if (++_commits % 256 == 0)
        {
            CheckpointIfLarge(connection);
        }
    }

    // Autocheckpoints are passive and can be starved; past the threshold, force one that truncates the WAL.
    private void CheckpointIfLarge(SqliteConnection connection)
    {
        var wal = new FileInfo(_options.Path + "-wal");
        if (wal.Exists && wal.Length > _options.WalTruncateThreshold)
        {
            try
            {
                using var checkpoint = connection.CreateCommand();
                checkpoint.CommandText = "PRAGMA wal_checkpoint(TRUNCATE)";
                if (checkpoint.ExecuteScalar() is 1L)
                {
                    _logger.LogWarning("WAL checkpoint could not finish: a reader holds an old snapshot; the WAL is {Bytes} bytes", wal.Length);
                }
            }
            catch (SqliteException e)
            {
                _logger.LogWarning(e, "WAL checkpoint failed; it will be tried again");
            }
        }
    }

    private static void TryRollback(SqliteTransaction? transaction)
    {
        if (transaction is null)
        {
            return; // BEGIN itself failed
        }

        try
        {
            transaction.Rollback();
        }
        catch (Exception e) when (e is SqliteException or InvalidOperationException)
        {
            // SQLite rolled back already (after some I/O errors it does).
        }

        transaction.Dispose();
    }

    private static void FailWhatCannotRunAgain(List<WriteOperation> operations, Exception error)
    {
        for (var i = operations.Count - 1; i >= 0; i--)
        {
            if (!operations[i].CanRunAgain)
            {
                operations[i].Fail(error);
                operations.RemoveAt(i);
            }
        }
    }

    private void FailEverythingPending(Exception e)
    {
        _pending.Writer.TryComplete(e);
        while (_pending.Reader.TryRead(out var operation))
        {
            operation.Fail(e);
        }
    }

    // Unwinds an attempt whose transaction SQLite rolled back while an operation ran.
    private sealed class BatchRolledBack(WriteOperation operation, Exception error) : Exception(null, error)
    {
        public WriteOperation Operation { get; } = operation;

        public Exception Error { get; } = error;
    }
}
