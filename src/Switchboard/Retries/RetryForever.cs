using Polly;
using Polly.Retry;

namespace Switchboard.Retries;

/// <summary>
/// Runs an attempt again and again until it succeeds or the caller's token is cancelled, waiting
/// <see cref="Backoff.DelayFor"/> on the given <see cref="TimeProvider"/> before each retry, and telling
/// <c>failed</c> of each failure (with the state of the attempt, the failure count and the wait) before the wait: the
/// loops that retry one operation in process (an event subscription's batch, the audit writer's append), on a
/// Polly.Core retry pipeline. A cancellation of the caller's token ends it with that exception.
/// </summary>
/// <typeparam name="TState">What an attempt works on (the batch it writes); <c>failed</c> receives it too.</typeparam>
internal sealed class RetryForever<TState>
{
    private static readonly ResiliencePropertyKey<TState> StateKey = new("switchboard.retry.state");
    private readonly ResiliencePipeline _pipeline;

    public RetryForever(Backoff backoff, TimeProvider time, Action<TState, Exception, int, TimeSpan> failed)
    {
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = int.MaxValue,
                // Any failure while the caller has not cancelled (a timeout inside the attempt is a failure like any
                // other); once it has, the attempt was cut short: no retry, and nothing to report.
                ShouldHandle = static args => ValueTask.FromResult(
                    args.Outcome.Exception is not null && !args.Context.CancellationToken.IsCancellationRequested),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(backoff.DelayFor(args.AttemptNumber + 1)),
                OnRetry = args =>
                {
                    args.Context.Properties.TryGetValue(StateKey, out var state);
                    failed(state!, args.Outcome.Exception!, args.AttemptNumber + 1, args.RetryDelay);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Runs <paramref name="attempt"/> on <paramref name="state"/> until it succeeds; throws only once <paramref name="cancellationToken"/> is cancelled.</summary>
    public async ValueTask ExecuteAsync(Func<TState, CancellationToken, ValueTask> attempt, TState state, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(StateKey, state);
        try
        {
            await _pipeline.ExecuteAsync(static (c, s) => s.attempt(s.state, c.CancellationToken), context, (attempt, state)).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && cancellationToken.IsCancellationRequested)
        {
            // An attempt that failed because it was cut short is not retried, and ends as a cancellation.
            throw new OperationCanceledException("Cancelled while an attempt failed.", e, cancellationToken);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }
}
