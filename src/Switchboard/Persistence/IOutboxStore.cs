namespace Switchboard.Persistence;

/// <summary>The outbox of a store: what the relay dispatches and operators inspect. Keyed by message id.</summary>
public interface IOutboxStore
{
    /// <summary>
    /// Claims up to <paramref name="max"/> messages that are due (committed at least <paramref name="minimumAge"/>
    /// ago, not quarantined, not claimed) for <paramref name="claimFor"/>: no other relay takes them meanwhile.
    /// </summary>
    ValueTask<IReadOnlyList<OutboxEntry>> ClaimDueAsync(int max, TimeSpan minimumAge, TimeSpan claimFor, CancellationToken cancellationToken = default);

    /// <summary>Removes dispatched messages.</summary>
    ValueTask MarkDispatchedAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default);

    /// <summary>Records a failed attempt: due again at <paramref name="retryAt"/>, or quarantined.</summary>
    ValueTask MarkFailedAsync(string messageId, string error, DateTimeOffset retryAt, bool quarantine, CancellationToken cancellationToken = default);

    /// <summary>Pending and quarantined counts and the oldest pending message's time.</summary>
    ValueTask<OutboxStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default);

    /// <summary>The quarantined messages, oldest first.</summary>
    ValueTask<IReadOnlyList<OutboxEntry>> ListQuarantinedAsync(int max, CancellationToken cancellationToken = default);

    /// <summary>Makes quarantined messages due again (all when <paramref name="messageIds"/> is null); returns how many.</summary>
    ValueTask<int> ReleaseQuarantinedAsync(IReadOnlyCollection<string>? messageIds = null, CancellationToken cancellationToken = default);
}
