namespace Shop.Order;

/// <summary>How the Order Service behaves.</summary>
public sealed record OrderOptions
{
    /// <summary>An order that has not reached a terminal state this long after it was received is cancelled. Default 2 minutes.</summary>
    public TimeSpan StuckOrderTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// How long <c>POST /orders</c> waits for the read model to include the new order before answering, so that the
    /// client's next <c>GET</c> finds it (read your own writes). Past it, the answer goes out anyway. Default 2 seconds.
    /// </summary>
    public TimeSpan ReadYourWritesTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The largest request body <c>POST /orders</c> accepts; larger ones get 413. Default 64 KiB.</summary>
    public int MaxRequestBodyBytes { get; init; } = 64 * 1024;

    /// <summary>The most lines one order may have. Default 50.</summary>
    public int MaxLines { get; init; } = 50;

    /// <summary>
    /// Messages the <c>order</c> endpoint (the order-life saga) handles at once. Default 32: most of a message's time is
    /// the wait for its unit of work to be durable, and different orders do not contend.
    /// </summary>
    public int Concurrency { get; init; } = 32;
}
