using System.Globalization;
using Microsoft.Extensions.Logging;
using Switchboard.Diagnostics;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Pipeline.Steps;

/// <summary>
/// Runs the rest of the pipeline; when it throws, retries at once up to the immediate budget, then defers the
/// message for a delayed retry with back-off, then dead-letters it with the exception. An attempt interrupted
/// by shutdown returns the message to the queue without spending the budget.
/// </summary>
internal sealed class RetryStep(RetryPolicy policy, ILogger logger) : IReceiveStep
{
    public ValueTask InvokeAsync(ReceiveContext context, ReceiveDelegate next)
    {
        context.Attempts++;
        ValueTask first;
        try
        {
            first = next(context);
            if (first.IsCompletedSuccessfully)
            {
                first.GetAwaiter().GetResult();
                return ValueTask.CompletedTask;
            }
        }
        catch (Exception e)
        {
            first = ValueTask.FromException(e);
        }

        return RetryAsync(context, next, first);
    }

    // The first attempt is already running (or has failed); later ones run here.
    private async ValueTask RetryAsync(ReceiveContext context, ReceiveDelegate next, ValueTask first)
    {
        var delayedSoFar = DelayedRetriesSoFar(context.Envelope);
        Exception? failure = null;
        for (var attempt = 0; attempt <= policy.ImmediateRetries; attempt++)
        {
            try
            {
                if (attempt == 0)
                {
                    await first.ConfigureAwait(false);
                }
                else
                {
                    context.Attempts++;
                    await next(context).ConfigureAwait(false);
                }

                return;
            }
            catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
            {
                context.Abandon();
                return;
            }
            catch (Exception e)
            {
                failure = e;
                CountFailure(context, e);
                if (policy.IsPermanent(e))
                {
                    break;
                }

                if (attempt < policy.ImmediateRetries)
                {
                    LogRetry(context, e, TimeSpan.Zero);
                }
            }
        }

        var attempts = delayedSoFar * (policy.ImmediateRetries + 1) + context.Attempts;
        if (policy.IsPermanent(failure!))
        {
            LogGivingUp(context, failure!);
            context.DeadLetter(DeadLetterReason.FromException("permanent failure", failure!, attempts));
        }
        else if (delayedSoFar < policy.DelayedRetries)
        {
            var round = delayedSoFar + 1;
            var envelope = context.Envelope.WithHeader(HeaderNames.DelayedRetries, round.ToString(CultureInfo.InvariantCulture));
            var delay = policy.DelayFor(round);
            LogRetry(context, failure!, delay);
            context.Defer(delay, envelope, failure);
        }
        else
        {
            LogGivingUp(context, failure!);
            context.DeadLetter(DeadLetterReason.FromException("retries exhausted", failure!, attempts));
        }
    }

    // A failure that will be retried is one line: a transient fault (a gateway's timeout) would otherwise fill the log
    // with stack traces of attempts that then succeed. The last failure carries the exception.
    private void LogRetry(ReceiveContext context, Exception failure, TimeSpan delay)
    {
        var envelope = context.Envelope;
        var error = failure.GetType().FullName;
        if (delay == TimeSpan.Zero)
        {
            logger.LogWarning(
                "Handling {MessageType} {MessageId} at {Endpoint} failed (attempt {Attempt}), retrying now: {ErrorType}: {ErrorMessage}",
                envelope.MessageType, envelope.MessageId, context.Endpoint, context.Attempts, error, failure.Message);
        }
        else
        {
            logger.LogWarning(
                "Handling {MessageType} {MessageId} at {Endpoint} failed (attempt {Attempt}), retrying in {Delay}: {ErrorType}: {ErrorMessage}",
                envelope.MessageType, envelope.MessageId, context.Endpoint, context.Attempts, delay, error, failure.Message);
        }
    }

    private void LogGivingUp(ReceiveContext context, Exception failure) =>
        logger.LogWarning(failure, "Handling {MessageType} {MessageId} at {Endpoint} failed (attempt {Attempt}) and is not retried", context.Envelope.MessageType, context.Envelope.MessageId, context.Endpoint, context.Attempts);

    private static int DelayedRetriesSoFar(Envelope envelope) =>
        envelope.Headers.TryGetValue(HeaderNames.DelayedRetries, out var value)
        && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 0
            ? n
            : 0;

    private static void CountFailure(ReceiveContext context, Exception e)
    {
        if (SwitchboardDiagnostics.Failed.Enabled)
        {
            SwitchboardDiagnostics.Failed.Add(1,
                new KeyValuePair<string, object?>(MessagingTags.Destination, context.Endpoint),
                new KeyValuePair<string, object?>(MessagingTags.ErrorType, e.GetType().FullName));
        }
    }
}
