namespace Switchboard.Auditing;

/// <summary>
/// Where the audit step's records are kept: a store's table (SQLite, PostgreSQL) or memory. Every provider passes
/// the audit conformance suite in <c>Switchboard.Conformance</c>. Reads return records in <see cref="AuditRecord.Sequence"/>
/// order, oldest first.
/// </summary>
public interface IAuditLog
{
    /// <summary>Writes <paramref name="records"/> in one transaction, in order.</summary>
    ValueTask AppendAsync(IReadOnlyList<AuditRecord> records, CancellationToken cancellationToken = default);

    /// <summary>The records of one conversation (<see cref="AuditRecord.CorrelationId"/>), at most <paramref name="max"/> of the oldest.</summary>
    ValueTask<IReadOnlyList<AuditRecord>> ReadConversationAsync(string correlationId, int max, CancellationToken cancellationToken = default);

    /// <summary>The records of one message, on every endpoint that received it.</summary>
    ValueTask<IReadOnlyList<AuditRecord>> ReadMessageAsync(string messageId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Removes the records that finished before <paramref name="before"/>, then the oldest beyond the newest
    /// <paramref name="keep"/>; returns how many went.
    /// </summary>
    ValueTask<long> PruneAsync(DateTimeOffset before, long keep, CancellationToken cancellationToken = default);
}
