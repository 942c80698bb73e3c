namespace Switchboard.Sagas;

/// <summary>
/// A saga's reaction to one message type. A saga class implements this once per message it handles; which of
/// them start an instance, and how each is correlated to one, is declared with
/// <see cref="Configuration.EndpointBuilder.Saga{TSaga, TState}"/> (no naming conventions).
/// </summary>
/// <typeparam name="TState">The persisted state.</typeparam>
/// <typeparam name="TMessage">The message handled.</typeparam>
public interface ISagaHandler<TState, in TMessage>
    where TState : class, new()
{
    /// <summary>Changes <see cref="ISagaContext{TState}.State"/>, sends, publishes, requests timeouts or completes the saga.</summary>
    ValueTask HandleAsync(TMessage message, ISagaContext<TState> saga, CancellationToken cancellationToken);
}
