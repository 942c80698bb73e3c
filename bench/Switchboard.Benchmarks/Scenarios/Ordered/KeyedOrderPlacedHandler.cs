using System.Diagnostics;
using Switchboard.Benchmarks.Measurement;

namespace Switchboard.Benchmarks.Scenarios.Ordered;

/// <summary>Records (key, sequence) in the ledger, waits the item's handler delay, then records the command as handled.</summary>
public sealed class KeyedOrderPlacedHandler(CurrentRun run, KeyOrderLedger ledger, HandlerDelay delay) : IMessageHandler<KeyedOrderPlaced>
{
    /// <inheritdoc />
    public async ValueTask HandleAsync(KeyedOrderPlaced message, IMessageContext context, CancellationToken cancellationToken)
    {
        // An id that is not the benchmark's goes straight to the tracker, which counts it as unexpected.
        if (ItemIds.TryRead(message.OrderId, out var itemRun, out var sequence) && (uint)message.Key < OrderedScenario.Keys)
        {
            var order = ledger.Of(itemRun);
            order.Begin(message.Key, sequence);
            var microseconds = delay.MicrosecondsFor(sequence);
            var started = Stopwatch.GetTimestamp();
            await delay.WaitAsync(microseconds).ConfigureAwait(false);
            order.End(message.Key, microseconds, Stopwatch.GetTimestamp() - started);
        }

        run.Tracker.Complete(message.OrderId, message.Amount, slot: 0);
    }
}
