namespace Shop.Notification;

/// <summary>An order's event was handled before its <see cref="Contracts.OrderCreated"/> told who the customer is: the event is retried.</summary>
public sealed class CustomerNotYetKnownException : Exception
{
    /// <summary>Creates the exception for <paramref name="orderId"/>.</summary>
    public CustomerNotYetKnownException(Guid orderId)
        : base($"The customer of order {orderId} is not known yet.") => OrderId = orderId;

    /// <summary>Creates the exception.</summary>
    public CustomerNotYetKnownException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public CustomerNotYetKnownException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and <paramref name="innerException"/>.</summary>
    public CustomerNotYetKnownException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The order.</summary>
    public Guid OrderId { get; }
}
