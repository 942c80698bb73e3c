namespace Switchboard.EventSourcing.Subscriptions;

/// <summary>Where a subscription without a checkpoint starts.</summary>
public enum SubscriptionStart
{
    /// <summary>From the first event in the store.</summary>
    Beginning,

    /// <summary>From the events appended after it started.</summary>
    End,
}
