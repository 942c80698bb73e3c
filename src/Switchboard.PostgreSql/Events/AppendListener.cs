using Npgsql;
using Switchboard.Retries;

namespace Switchboard.PostgreSql;

/// <summary>
/// One <c>LISTEN</c> connection per store instance, shared by every waiter: a notification completes the current
/// signal, which all waiters of the moment await, and puts a fresh one in its place (so nothing queues up, however
/// many notifications arrive). Started by the first wait; reconnects after a failure, and completes the signal when
/// it is listening again, since appends may have gone unheard meanwhile. While it is down, waits last their
/// <c>maxWait</c>: the polling fallback.
/// </summary>
internal sealed class AppendListener(NpgsqlDataSource dataSource, string channel) : IAsyncDisposable
{
    // An idle connection is probed this often, so a silently dead one is found and replaced.
    private static readonly TimeSpan ProbeEvery = TimeSpan.FromSeconds(30);
    // From 200 ms, doubling up to 10 s; back to the first after a LISTEN succeeded.
    private static readonly Backoff Reconnect = new(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));

    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _signal = NewSignal();
    private Task? _loop;
    private int _disposed;

    /// <summary>Whether the connection is listening now.</summary>
    public bool IsListening { get; private set; }

    /// <summary>The signal the next notification completes; starts listening on first use.</summary>
    public Task NextSignal()
    {
        if (_loop is null)
        {
            lock (_gate)
            {
                if (_loop is null && Volatile.Read(ref _disposed) == 0)
                {
                    _loop = Task.Run(() => ListenAsync(_stop.Token));
                }
            }
        }

        return Volatile.Read(ref _signal).Task;
    }

    /// <summary>Completes the current signal: this instance appended, so its own waiters need no notification.</summary>
    public void Wake()
    {
        if (_loop is not null)
        {
            Pulse();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Task? loop;
        lock (_gate)
        {
            loop = _loop;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (loop is not null)
        {
            await loop.ConfigureAwait(false);
        }

        _stop.Dispose();
        Pulse();
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private void Pulse() => Interlocked.Exchange(ref _signal, NewSignal()).TrySetResult();

    private async Task ListenAsync(CancellationToken stop)
    {
        var failures = 0;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                var connection = await dataSource.OpenConnectionAsync(stop).ConfigureAwait(false);
                await using (connection.ConfigureAwait(false))
                {
                    connection.Notification += (_, _) => Pulse();
                    var listen = new NpgsqlCommand($"LISTEN {PostgreSqlNames.Quote(channel)}", connection);
                    await using (listen.ConfigureAwait(false))
                    {
                        await listen.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                    }

                    IsListening = true;
                    failures = 0;
                    Pulse();
                    while (true)
                    {
                        if (!await connection.WaitAsync(ProbeEvery, stop).ConfigureAwait(false))
                        {
                            var probe = new NpgsqlCommand("SELECT 1", connection);
                            await using (probe.ConfigureAwait(false))
                            {
                                await probe.ExecuteScalarAsync(stop).ConfigureAwait(false);
                            }
                        }
                    }
                }
            }
            catch (Exception)
            {
                if (stop.IsCancellationRequested)
                {
                    return;
                }

                // The database is away or the connection broke: waiters fall back to their maxWait until it is back.
                IsListening = false;
                try
                {
                    await Task.Delay(Reconnect.DelayFor(++failures), stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
            finally
            {
                IsListening = false;
            }
        }
    }
}
