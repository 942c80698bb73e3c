using Switchboard.Retries;

namespace Shop.Notification;

/// <summary>Settings of the Notification service.</summary>
public sealed record NotificationOptions
{
    /// <summary>
    /// Retries of the <c>notification</c> endpoint. An order's later event handled before its
    /// <see cref="Contracts.OrderCreated"/> throws and is retried until the customer is known.
    /// </summary>
    public RetryPolicy Retry { get; init; } = new()
    {
        ImmediateRetries = 3,
        DelayedRetries = 10,
        BaseDelay = TimeSpan.FromMilliseconds(250),
        MaxDelay = TimeSpan.FromSeconds(30),
    };

    /// <summary>Messages the endpoint handles at once. Default 4.</summary>
    public int Concurrency { get; init; } = 4;

    /// <summary>
    /// When set, each notification is also sent as an email through this server (<see cref="SmtpNotificationSender"/>),
    /// before it is recorded in the mailbox; at least once, see there. Null (the default): the mailbox only.
    /// </summary>
    public SmtpOptions? Smtp { get; init; }
}
