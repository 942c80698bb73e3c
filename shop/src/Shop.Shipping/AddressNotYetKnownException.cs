namespace Shop.Shipping;

/// <summary>
/// An order's <see cref="Contracts.InventoryUpdated"/> was handled before its <see cref="Contracts.OrderCreated"/>
/// delivered the shipping address: the message is retried.
/// </summary>
public sealed class AddressNotYetKnownException : Exception
{
    /// <summary>Creates the exception for <paramref name="orderId"/>.</summary>
    public AddressNotYetKnownException(Guid orderId)
        : base($"The shipping address of order {orderId} has not arrived yet.") => OrderId = orderId;

    /// <summary>Creates the exception.</summary>
    public AddressNotYetKnownException()
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/>.</summary>
    public AddressNotYetKnownException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with <paramref name="message"/> and <paramref name="innerException"/>.</summary>
    public AddressNotYetKnownException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The order.</summary>
    public Guid OrderId { get; }
}
