namespace Switchboard.Sagas;

/// <summary>
/// One saga instance while it handles a message. Its state is saved after the handler returns, in the same unit
/// of work as the messages it sends, with optimistic concurrency.
/// </summary>
public interface ISagaContext<TState> : IMessageContext
    where TState : class, new()
{
    /// <summary>The instance's state; change it in place.</summary>
    TState State { get; }

    /// <summary>The correlation key (e.g. the order id).</summary>
    string Key { get; }

    /// <summary>True when this message starts the instance.</summary>
    bool IsNew { get; }

    /// <summary>Whether <see cref="Complete"/> was called.</summary>
    bool IsCompleted { get; }

    /// <summary>
    /// Ends the instance. It is kept as a completed tombstone: later messages for the same key (late replies,
    /// timeouts) are acknowledged and ignored, never starting it again.
    /// </summary>
    void Complete();

    /// <summary>
    /// Sends <paramref name="message"/> back to this saga's endpoint after <paramref name="delay"/>. The saga must
    /// handle its type, correlated to the same key; it is ignored when it arrives after completion.
    /// </summary>
    ValueTask RequestTimeoutAsync<TTimeout>(TTimeout message, TimeSpan delay, CancellationToken cancellationToken = default)
        where TTimeout : notnull;
}
