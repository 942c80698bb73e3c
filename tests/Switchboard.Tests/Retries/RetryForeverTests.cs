using System.Collections.Concurrent;
using Switchboard.Retries;

namespace Switchboard.Tests.Retries;

public sealed class RetryForeverTests
{
    private static readonly Backoff Backoff = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1));

    [Fact]
    public async Task It_retries_until_the_attempt_succeeds_waiting_the_backoff_on_the_given_time_before_each_retry()
    {
        var time = new InstantTime();
        var failures = new List<(string State, int Failures, TimeSpan Delay)>();
        var retry = new RetryForever<string>(Backoff, time, (state, _, count, delay) => failures.Add((state, count, delay)));
        var attempts = 0;

        await retry.ExecuteAsync((_, _) => ++attempts <= 5 ? throw new InvalidOperationException("not yet") : ValueTask.CompletedTask, "batch", CancellationToken.None);

        Assert.Equal(6, attempts);
        TimeSpan[] expected = [.. Enumerable.Range(0, 5).Select(i => TimeSpan.FromMilliseconds(Math.Min(100 << i, 1_000)))];
        Assert.Equal(expected, time.Waits);
        Assert.Equal(expected.Select((d, i) => ("batch", i + 1, d)), failures);
    }

    [Fact]
    public async Task A_cancellation_that_is_not_the_callers_is_a_failure_like_any_other()
    {
        var retry = new RetryForever<int>(Backoff, new InstantTime(), (_, _, _, _) => { });
        var attempts = 0;

        await retry.ExecuteAsync((_, _) => ++attempts == 1 ? throw new TimeoutException() : attempts == 2 ? throw new OperationCanceledException() : ValueTask.CompletedTask, 0, CancellationToken.None);

        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task An_attempt_that_fails_once_the_caller_cancelled_ends_it_as_a_cancellation()
    {
        using var stop = new CancellationTokenSource();
        var failed = 0;
        var retry = new RetryForever<int>(Backoff, new InstantTime(), (_, _, _, _) => failed++);

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await retry.ExecuteAsync(
            (_, _) =>
            {
                stop.Cancel();
                throw new InvalidOperationException("cut short");
            },
            0,
            stop.Token));

        Assert.Equal(0, failed);
    }

    // Fires every timer at once and keeps the waits asked for.
    private sealed class InstantTime : TimeProvider
    {
        private readonly ConcurrentQueue<TimeSpan> _waits = new();

        public IReadOnlyList<TimeSpan> Waits => [.. _waits];

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            _waits.Enqueue(dueTime);
            return System.CreateTimer(callback, state, TimeSpan.Zero, Timeout.InfiniteTimeSpan);
        }
    }
}
