using Switchboard.Auditing;

namespace Switchboard.Pipeline.Steps;

/// <summary>
/// Just inside the acknowledge step: once the rest of the pipeline has decided how a delivery ends, hands its record to
/// the <see cref="AuditWriter"/>, which writes it in a batch later. A delivery that goes back to its queue unhandled
/// (shutdown, a pipeline fault) is not recorded: it will be delivered again.
/// </summary>
internal sealed class AuditStep(AuditWriter writer, AuditOptions options, TimeProvider time) : IReceiveStep
{
    public ValueTask InvokeAsync(ReceiveContext context, ReceiveDelegate next)
    {
        var received = time.GetUtcNow();
        ValueTask pending;
        try
        {
            pending = next(context);
        }
        catch (Exception e)
        {
            return ValueTask.FromException(e);
        }

        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
            return Record(context, received);
        }

        return AwaitThenRecordAsync(pending, context, received);
    }

    private async ValueTask AwaitThenRecordAsync(ValueTask pending, ReceiveContext context, DateTimeOffset received)
    {
        await pending.ConfigureAwait(false);
        await Record(context, received).ConfigureAwait(false);
    }

    private ValueTask Record(ReceiveContext context, DateTimeOffset received)
    {
        var outcome = context.Settlement switch
        {
            Settlement.Complete => AuditOutcome.Handled,
            Settlement.Defer => AuditOutcome.Retrying,
            Settlement.DeadLetter => AuditOutcome.DeadLettered,
            _ => (AuditOutcome?)null,
        };
        return outcome is { } decided
            ? writer.WriteAsync(Describe(context, decided, received), context.CancellationToken)
            : ValueTask.CompletedTask;
    }

    private AuditRecord Describe(ReceiveContext context, AuditOutcome outcome, DateTimeOffset received)
    {
        var envelope = context.Envelope;
        var body = envelope.Body;
        var (reason, exceptionType, exceptionMessage) = outcome switch
        {
            AuditOutcome.DeadLettered when context.DeadLetterReason is { } why => (why.Reason, why.ExceptionType, why.ExceptionMessage),
            AuditOutcome.Retrying when context.DeferReason is { } failure => ("retrying later", failure.GetType().FullName, failure.Message),
            AuditOutcome.Retrying => ("retrying later", null, null),
            _ => ((string?)null, (string?)null, (string?)null),
        };
        return new AuditRecord
        {
            MessageId = envelope.MessageId,
            MessageType = envelope.MessageType,
            CorrelationId = envelope.CorrelationId,
            CausationId = envelope.CausationId,
            TraceParent = envelope.TraceParent,
            Endpoint = context.Endpoint,
            Service = options.Service,
            Instance = options.Instance,
            SentAt = envelope.SentAt,
            ReceivedAt = received,
            FinishedAt = time.GetUtcNow(),
            Attempts = context.Attempts,
            Outcome = outcome,
            Reason = reason,
            ExceptionType = exceptionType,
            ExceptionMessage = exceptionMessage,
            Headers = envelope.Headers,
            ContentType = envelope.ContentType,
            Body = body.Length <= options.MaxBodyBytes ? body : body[..options.MaxBodyBytes],
            BodyLength = body.Length,
        };
    }
}
