namespace Switchboard.Conformance.Harness;

/// <summary>Records every versioned message it handles, as it got it, in the test's <see cref="MessageRecorder"/>.</summary>
public sealed class VersionedHandler(MessageRecorder recorder, ConsumerName consumer)
    : IMessageHandler<IssueInvoiceV1>, IMessageHandler<IssueInvoiceV2>, IMessageHandler<InvoiceIssuedV1>, IMessageHandler<InvoiceIssuedV2>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(IssueInvoiceV1 message, IMessageContext context, CancellationToken cancellationToken) => Record(message, context);

    /// <inheritdoc />
    public ValueTask HandleAsync(IssueInvoiceV2 message, IMessageContext context, CancellationToken cancellationToken) => Record(message, context);

    /// <inheritdoc />
    public ValueTask HandleAsync(InvoiceIssuedV1 message, IMessageContext context, CancellationToken cancellationToken) => Record(message, context);

    /// <inheritdoc />
    public ValueTask HandleAsync(InvoiceIssuedV2 message, IMessageContext context, CancellationToken cancellationToken) => Record(message, context);

    private ValueTask Record(object message, IMessageContext context)
    {
        recorder.Record(new Handled(context.Endpoint, consumer.Name, message, context.Envelope, context.DeliveryCount, DateTimeOffset.UtcNow));
        return ValueTask.CompletedTask;
    }
}
