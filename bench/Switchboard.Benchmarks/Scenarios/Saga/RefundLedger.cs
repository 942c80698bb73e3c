using System.Collections.Concurrent;
using Switchboard.Benchmarks.Measurement;

namespace Switchboard.Benchmarks.Scenarios.Saga;

/// <summary>Every refund the payment endpoint made, by order id and how often (a singleton; runs tell theirs apart by the ids).</summary>
public sealed class RefundLedger
{
    private readonly ConcurrentDictionary<Guid, int> _refunds = new();

    /// <summary>Records one refund of <paramref name="orderId"/>.</summary>
    public void Refunded(Guid orderId) => _refunds.AddOrUpdate(orderId, 1, static (_, count) => count + 1);

    /// <summary>The refunds of run <paramref name="run"/>: sequence number and how many times that order was refunded.</summary>
    public IReadOnlyList<(int Sequence, int Count)> Of(int run) =>
        [.. _refunds.Select(r => (Read: ItemIds.TryRead(r.Key, out var itemRun, out var sequence) && itemRun == run, Sequence: sequence, Count: r.Value))
            .Where(r => r.Read)
            .Select(r => (r.Sequence, r.Count))];
}
