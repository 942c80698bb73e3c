namespace Shop.Payment;

/// <summary>The payment gateway failed transiently (timeout, processing error): the call may be retried with the same idempotency key.</summary>
public sealed class PaymentGatewayUnavailableException : Exception
{
    /// <summary>A transient gateway failure.</summary>
    public PaymentGatewayUnavailableException()
        : base("The payment gateway is unavailable.")
    {
    }

    /// <summary>A transient gateway failure with a message.</summary>
    public PaymentGatewayUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>A transient gateway failure with a message and its cause.</summary>
    public PaymentGatewayUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
