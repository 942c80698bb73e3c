using Switchboard.Conformance.Harness;
using Switchboard.Sagas;

namespace Switchboard.Conformance.Stores;

/// <summary>State of <see cref="InvoiceSaga"/>.</summary>
public sealed class InvoiceState
{
    /// <summary>The amount of the invoice, in cents.</summary>
    public long Cents { get; set; }

    /// <summary>The wire names the saga's messages arrived under, in order.</summary>
    public List<string> ArrivedAs { get; set; } = [];
}

/// <summary>
/// Started by <see cref="IssueInvoiceV2"/> and completed by <see cref="InvoiceIssuedV2"/>, whatever version their
/// producers sent: the suites send version 1, which the bus upcasts.
/// </summary>
public sealed class InvoiceSaga : ISagaHandler<InvoiceState, IssueInvoiceV2>, ISagaHandler<InvoiceState, InvoiceIssuedV2>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(IssueInvoiceV2 message, ISagaContext<InvoiceState> saga, CancellationToken cancellationToken)
    {
        saga.State.Cents = message.Cents;
        saga.State.ArrivedAs.Add(saga.Envelope.MessageType);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(InvoiceIssuedV2 message, ISagaContext<InvoiceState> saga, CancellationToken cancellationToken)
    {
        saga.State.ArrivedAs.Add(saga.Envelope.MessageType);
        saga.Complete();
        return ValueTask.CompletedTask;
    }
}
