using Shop.Infrastructure;

namespace Shop.Notification;

/// <summary>Settings of the Notification service.</summary>
public sealed record NotificationOptions : ShopEndpointOptions
{
    /// <summary>
    /// Settings with the retries of <see cref="ShopEndpointOptions.UntilEarlierEventArrives"/>: an order's later event
    /// handled before its <see cref="Contracts.OrderCreated"/> throws and is retried until the customer is known.
    /// </summary>
    public NotificationOptions() => Retry = UntilEarlierEventArrives;

    /// <summary>
    /// When set, each notification is also sent as an email through this server (<see cref="SmtpNotificationSender"/>),
    /// before it is recorded in the mailbox; at least once, see there. Null (the default): the mailbox only.
    /// </summary>
    public SmtpOptions? Smtp { get; init; }
}
