namespace Switchboard.Sagas;

/// <summary>
/// One event-sourced saga instance while it handles a message. The events its aggregate raises are appended to its
/// stream when the message's unit of work commits, expecting the stream still at the version it was loaded at, in the
/// same transaction as the inbox record and the messages it sends; a concurrent change reruns the message on the new
/// state. There is no completion: the aggregate's state says what a late message may still change.
/// </summary>
public interface IEventSourcedSagaContext<TAggregate> : IMessageContext
    where TAggregate : class, new()
{
    /// <summary>The instance, loaded from its stream; new (version 0) when the stream has no events yet.</summary>
    TAggregate Aggregate { get; }

    /// <summary>The correlation key: the aggregate's id.</summary>
    string Key { get; }

    /// <summary>
    /// Sends <paramref name="message"/> back to this saga's endpoint after <paramref name="delay"/>. The saga must
    /// handle its type, correlated to the same key.
    /// </summary>
    ValueTask RequestTimeoutAsync<TTimeout>(TTimeout message, TimeSpan delay, CancellationToken cancellationToken = default)
        where TTimeout : notnull;
}
