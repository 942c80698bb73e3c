using Switchboard.Auditing;

namespace Switchboard.InMemory;

/// <summary>The in-memory store's audit log: records in a list, in the order written.</summary>
internal sealed class InMemoryAuditLog : IAuditLog
{
    private readonly Lock _gate = new();
    private readonly List<AuditRecord> _records = [];
    private long _sequence;

    public ValueTask AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            foreach (var record in records)
            {
                _records.Add(record with { Sequence = ++_sequence, Body = record.Body.ToArray() });
            }
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<IReadOnlyList<AuditRecord>> ReadConversationAsync(string correlationId, int max, CancellationToken cancellationToken = default) =>
        Read(r => r.CorrelationId == correlationId, max);

    public ValueTask<IReadOnlyList<AuditRecord>> ReadMessageAsync(string messageId, CancellationToken cancellationToken = default) =>
        Read(r => r.MessageId == messageId, int.MaxValue);

    public ValueTask<long> PruneAsync(DateTimeOffset before, long keep, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            long pruned = _records.RemoveAll(r => r.FinishedAt < before);
            var surplus = _records.Count - keep;
            if (surplus > 0)
            {
                _records.RemoveRange(0, (int)surplus);
                pruned += surplus;
            }

            return ValueTask.FromResult(pruned);
        }
    }

    private ValueTask<IReadOnlyList<AuditRecord>> Read(Func<AuditRecord, bool> match, int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        lock (_gate)
        {
            return ValueTask.FromResult<IReadOnlyList<AuditRecord>>(_records.Where(match).Take(max).ToList());
        }
    }
}
