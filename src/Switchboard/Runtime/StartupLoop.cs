using Switchboard.Retries;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;

namespace Switchboard.Runtime;

/// <summary>
/// Starts a part of the application that needs servers (the broker, a database). The first attempt runs while the host
/// starts. When it fails because a server cannot be reached (<see cref="UnavailableException"/>), the host starts all
/// the same and the attempts go on in the background, with capped exponential back-off and jitter, until one succeeds
/// or the host stops; each failure is one warning with its reason. Any other failure of the first attempt (credentials
/// the server refuses, a certificate that does not verify, invalid settings) fails the host's start, as a
/// configuration error should. Once in the background, every failure is retried, and those that waiting alone will not
/// fix (anything but <see cref="UnavailableException"/>) are logged as errors.
/// </summary>
/// <remarks>An attempt must be safe to repeat after it failed part way: it skips or redoes what the last one did.</remarks>
internal sealed class StartupLoop(string what, Func<CancellationToken, Task> attempt, BusOptions options, TimeProvider time, ILogger logger)
{
    // The same exponential back-off with jitter as delayed message retries: up to a fifth shorter or longer.
    private readonly Backoff _backoff = new(options.StartRetryDelay, options.MaxStartRetryDelay, Jitter: 0.2);
    private readonly CancellationTokenSource _stopping = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _background = Task.CompletedTask;
    private volatile string _status = "not started";

    /// <summary>Completes when an attempt succeeded.</summary>
    public Task Started => _started.Task;

    /// <summary>Whether an attempt succeeded, and it was not stopped since.</summary>
    public bool IsStarted => _started.Task.IsCompletedSuccessfully && !_stopping.IsCancellationRequested;

    /// <summary>Where it stands, for health checks: started, starting, stopped, or what it waits for.</summary>
    public string Status => _status;

    /// <summary>
    /// Makes the first attempt now when <paramref name="prerequisite"/> has completed, else (or when that attempt found
    /// a server unreachable) keeps trying in the background once <paramref name="prerequisite"/> completes.
    /// </summary>
    public async Task StartAsync(Task prerequisite, string waitingFor, CancellationToken cancellationToken)
    {
        var attempts = 0;
        if (prerequisite.IsCompletedSuccessfully)
        {
            _status = "starting";
            attempts = 1;
            try
            {
                await attempt(cancellationToken).ConfigureAwait(false);
                Succeeded(attempts);
                return;
            }
            catch (UnavailableException e) when (!cancellationToken.IsCancellationRequested)
            {
                var delay = _backoff.DelayFor(attempts);
                _status = Reason(e);
                logger.LogWarning("{What} cannot start yet. {Reason} The host starts without it; trying again in {Seconds:0.0} s (attempt {Attempt} failed).", what, _status, delay.TotalSeconds, attempts);
                _background = Task.Run(() => RetryAsync(Task.CompletedTask, attempts, delay, _stopping.Token), CancellationToken.None);
                return;
            }
        }

        _status = waitingFor;
        _background = Task.Run(() => RetryAsync(prerequisite, attempts, TimeSpan.Zero, _stopping.Token), CancellationToken.None);
    }

    /// <summary>
    /// Stops the background attempts (at once, also in the middle of a wait) and waits until they ended. It never throws:
    /// whatever the last attempt threw while stopping is over with it.
    /// </summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _background.ConfigureAwait(false);
        _status = "stopped";
    }

    private async Task RetryAsync(Task prerequisite, int attempts, TimeSpan delay, CancellationToken stopping)
    {
        try
        {
            await prerequisite.WaitAsync(stopping).ConfigureAwait(false);
            while (true)
            {
                await Task.Delay(delay, time, stopping).ConfigureAwait(false);
                attempts++;
                try
                {
                    await attempt(stopping).ConfigureAwait(false);
                    Succeeded(attempts);
                    return;
                }
                catch (Exception e) when (!stopping.IsCancellationRequested)
                {
                    delay = _backoff.DelayFor(attempts);
                    _status = Reason(e);
                    if (e is UnavailableException)
                    {
                        logger.LogWarning("{What} cannot start yet. {Reason} Trying again in {Seconds:0.0} s (attempt {Attempt} failed).", what, _status, delay.TotalSeconds, attempts);
                    }
                    else
                    {
                        // Not a server out of reach: it needs someone's attention, but the process stays up and keeps trying.
                        logger.LogError("{What} failed to start. {Reason} Trying again in {Seconds:0.0} s (attempt {Attempt} failed).", what, _status, delay.TotalSeconds, attempts);
                        if (logger.IsEnabled(LogLevel.Debug))
                        {
                            logger.LogDebug(e, "{What}: attempt {Attempt} failed", what, attempts);
                        }
                    }
                }
            }
        }
        catch (Exception) when (stopping.IsCancellationRequested)
        {
            // The host stops: no more attempts (an attempt cut short may end in any exception, not only a cancellation).
        }
        catch (Exception e)
        {
            // What it waited for failed for good (its own start loop ended): nothing to start on.
            _status = "not started: " + Reason(e);
            logger.LogError(e, "{What} will not start: what it waits for failed", what);
        }
    }

    private void Succeeded(int attempts)
    {
        _status = "started";
        _started.TrySetResult();
        if (attempts > 1 && logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("{What} started at attempt {Attempt}", what, attempts);
        }
    }

    // One sentence, no stack trace: an unreachable server's own message says where and why; anything else also names
    // its type and its cause.
    private static string Reason(Exception e)
    {
        var reason = e is UnavailableException ? e.Message : $"{e.GetType().Name}: {e.Message}";
        if (e is not UnavailableException && e.InnerException is { } inner)
        {
            reason = $"{reason.TrimEnd('.')} ({inner.Message.TrimEnd('.')})";
        }

        return reason.EndsWith('.') ? reason : reason + ".";
    }
}
