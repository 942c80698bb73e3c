using Switchboard.Auditing;
using Switchboard.Pipeline;

namespace Switchboard.Testing;

/// <summary>
/// Just inside the acknowledge step (where the audit step records, and for the same reason): once the pipeline has
/// decided how a delivery ends, records it with the message read by the deserialize step. It also counts the
/// deliveries in a pipeline, for <see cref="SwitchboardTestHarness.WaitForIdleAsync"/>.
/// </summary>
internal sealed class RecordStep(HarnessRecorder recorder, TimeProvider time) : IReceiveStep
{
    public const string Name = "test-harness";

    public async ValueTask InvokeAsync(ReceiveContext context, ReceiveDelegate next)
    {
        recorder.Entered();
        try
        {
            await next(context).ConfigureAwait(false);
            var outcome = context.Settlement switch
            {
                Settlement.Complete => AuditOutcome.Handled,
                Settlement.Defer => AuditOutcome.Retrying,
                Settlement.DeadLetter => AuditOutcome.DeadLettered,
                _ => (AuditOutcome?)null,
            };
            if (outcome is { } decided)
            {
                recorder.Add(new ConsumedMessage
                {
                    Envelope = context.Envelope,
                    Message = context.Message,
                    At = time.GetUtcNow(),
                    Endpoint = context.Endpoint,
                    Outcome = decided,
                    Attempts = context.Attempts,
                    DeadLetterReason = decided == AuditOutcome.DeadLettered ? context.DeadLetterReason : null,
                    Exception = decided == AuditOutcome.Retrying ? context.DeferReason : null,
                });
            }
        }
        finally
        {
            recorder.Left();
        }
    }
}
