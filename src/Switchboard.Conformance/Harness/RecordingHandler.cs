namespace Switchboard.Conformance.Harness;

/// <summary>
/// Records every message it handles, then runs the test's <see cref="HandlerBehavior"/> for it (which may
/// throw, wait, or send follow-ups).
/// </summary>
public sealed class RecordingHandler(MessageRecorder recorder, HandlerBehavior behavior, ConsumerName consumer)
    : IMessageHandler<TestCommand>, IMessageHandler<TestEvent>, IMessageHandler<FollowUp>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(TestCommand message, IMessageContext context, CancellationToken cancellationToken) =>
        HandleAnyAsync(message, context, cancellationToken);

    /// <inheritdoc />
    public ValueTask HandleAsync(TestEvent message, IMessageContext context, CancellationToken cancellationToken) =>
        HandleAnyAsync(message, context, cancellationToken);

    /// <inheritdoc />
    public ValueTask HandleAsync(FollowUp message, IMessageContext context, CancellationToken cancellationToken) =>
        HandleAnyAsync(message, context, cancellationToken);

    private async ValueTask HandleAnyAsync(object message, IMessageContext context, CancellationToken cancellationToken)
    {
        await behavior.Before(message, context, cancellationToken).ConfigureAwait(false);
        recorder.Record(new Handled(context.Endpoint, consumer.Name, message, context.Envelope, context.DeliveryCount, DateTimeOffset.UtcNow));
    }
}

/// <summary>What a test makes its handlers do before a message counts as handled. Throwing fails the attempt.</summary>
public sealed class HandlerBehavior
{
    /// <summary>Runs before the message is recorded; the default does nothing.</summary>
    public Func<object, IMessageContext, CancellationToken, ValueTask> Before { get; set; } = static (_, _, _) => ValueTask.CompletedTask;
}

/// <summary>Names the bus instance a handler runs in, so tests can tell competing consumers apart.</summary>
/// <param name="Name">The instance name.</param>
public sealed record ConsumerName(string Name);
