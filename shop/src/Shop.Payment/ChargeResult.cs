namespace Shop.Payment;

/// <summary>The outcome of a charge: approved with <see cref="ChargeId"/>, or declined with <see cref="DeclineReason"/>.</summary>
public sealed record ChargeResult
{
    private ChargeResult(string? chargeId, string? declineReason)
    {
        ChargeId = chargeId;
        DeclineReason = declineReason;
    }

    /// <summary>Whether the charge was approved.</summary>
    public bool Approved => ChargeId is not null;

    /// <summary>The gateway's id of the charge when approved; null when declined.</summary>
    public string? ChargeId { get; }

    /// <summary>Why the charge was declined (e.g. <c>card_declined</c>); null when approved.</summary>
    public string? DeclineReason { get; }

    /// <summary>An approved charge.</summary>
    public static ChargeResult Approve(string chargeId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(chargeId);
        return new(chargeId, null);
    }

    /// <summary>A declined charge.</summary>
    public static ChargeResult Decline(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        return new(null, reason);
    }
}
