using System.Threading.Channels;
using Npgsql;

namespace Switchboard.PostgreSql;

/// <summary>
/// Sends the store instance's <c>NOTIFY</c>s, coalesced: appends only ask for one (<see cref="Request"/>, after their
/// commit), and one background loop sends them, one at a time, each in an autocommit statement of its own
/// (<see cref="EventStoreSql.Notify"/>). Requests that arrive while one is being sent are answered by a single next
/// one, sent at least <see cref="Spacing"/> after the start of the one before. So every append that committed is
/// followed by a notification that began after its commit, and under load a store instance sends at most one
/// notification per interval instead of one per append (each takes a transaction id and PostgreSQL's global
/// notification lock, which serialized every appending session before).
/// </summary>
internal sealed class AppendNotifier(NpgsqlDataSource dataSource, string notify) : IAsyncDisposable
{
    /// <summary>The least time between the starts of two notifications of one store instance.</summary>
    public static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(2);

    // A failed notification (the database is away) is tried again after this long, this many times; then it is
    // dropped (listeners that missed it wait their maxWait, and a listener that reconnects wakes its waiters anyway).
    private static readonly TimeSpan RetryAfter = TimeSpan.FromMilliseconds(200);
    private const int Retries = 3;

    // Holds at most one request: a request while one waits already adds nothing.
    private readonly Channel<bool> _requests = Channel.CreateBounded<bool>(new BoundedChannelOptions(1)
    {
        FullMode = BoundedChannelFullMode.DropWrite,
        SingleReader = true,
    });

    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private Task? _loop;
    private bool _disposed;

    /// <summary>Asks for a notification that starts after this call (call it after the appends' commit).</summary>
    public void Request()
    {
        if (_loop is null)
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }

                _loop ??= Task.Run(() => SendAsync(_stop.Token));
            }
        }

        _requests.Writer.TryWrite(true);
    }

    /// <summary>Sends the notification still asked for (if the database answers within a few seconds), then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        Task? loop;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            loop = _loop;
        }

        _requests.Writer.TryComplete();
        if (loop is not null)
        {
            _stop.CancelAfter(TimeSpan.FromSeconds(5));
            await loop.ConfigureAwait(false);
        }

        _stop.Dispose();
    }

    private async Task SendAsync(CancellationToken stop)
    {
        var reader = _requests.Reader;
        var failures = 0;
        try
        {
            while (await reader.WaitToReadAsync(stop).ConfigureAwait(false))
            {
                // Taken before sending: a request that comes while this notification is on its way gets the next one.
                reader.TryRead(out _);
                var started = TimeProvider.System.GetTimestamp();
                try
                {
                    var command = dataSource.CreateCommand(notify);
                    await using (command.ConfigureAwait(false))
                    {
                        await command.ExecuteNonQueryAsync(stop).ConfigureAwait(false);
                    }
                }
                catch (Exception) when (!stop.IsCancellationRequested)
                {
                    if (++failures <= Retries)
                    {
                        await Task.Delay(RetryAfter, stop).ConfigureAwait(false);
                        _requests.Writer.TryWrite(true);
                    }
                    else
                    {
                        failures = 0;
                    }

                    continue;
                }

                failures = 0;

                var left = Spacing - TimeProvider.System.GetElapsedTime(started);
                if (left > TimeSpan.Zero)
                {
                    await Task.Delay(left, stop).ConfigureAwait(false);
                }
            }
        }
        catch (Exception) when (stop.IsCancellationRequested)
        {
            // Disposed while the database did not answer.
        }
    }
}
