using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace Switchboard.Sqlite;

/// <summary>
/// Notices commits made by other connections (other processes) through <c>PRAGMA data_version</c>, which reads
/// shared memory and costs microseconds, and wakes this process's receivers. It polls every millisecond while
/// things change and backs off to <see cref="SqliteTransportOptions.MaxIdlePoll"/> when idle.
/// </summary>
internal sealed class ChangeWatcher : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ChangeWatcher(SqliteConnections connections, SqliteTransportOptions options, QueueSignals signals, ILogger logger)
    {
        _loop = Task.Run(() => RunAsync(connections, options, signals, logger, _stop.Token));
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private static async Task RunAsync(SqliteConnections connections, SqliteTransportOptions options, QueueSignals signals, ILogger logger, CancellationToken stop)
    {
        var minimum = TimeSpan.FromMilliseconds(1);
        var wait = minimum;
        SqliteConnection? connection = null;
        long last = -1;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    connection ??= connections.Open();
                    using var command = connection.CreateCommand();
                    command.CommandText = "PRAGMA data_version";
                    var version = (long)command.ExecuteScalar()!;
                    if (version != last)
                    {
                        last = version;
                        signals.PulseAll();
                        wait = minimum;
                    }
                    else
                    {
                        wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, options.MaxIdlePoll.Ticks));
                    }
                }
                catch (SqliteException e)
                {
                    logger.LogWarning(e, "Watching the SQLite file for changes failed; retrying");
                    connection?.Dispose();
                    connection = null;
                    wait = TimeSpan.FromSeconds(1);
                }

                await Task.Delay(wait, stop).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
        finally
        {
            connection?.Dispose();
        }
    }
}
