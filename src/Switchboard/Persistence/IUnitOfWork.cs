namespace Switchboard.Persistence;

/// <summary>
/// The unit of work of the message being handled, resolvable from the handler's scope on a transactional endpoint:
/// the inbox record, saga state, event appends and the messages the handler sent commit together in
/// <see cref="Transaction"/>. On a store with a database, handlers take <see cref="ISqlUnitOfWork"/> to add SQL of
/// their own.
/// </summary>
public interface IUnitOfWork
{
    /// <summary>The store transaction of the current attempt, for sagas and providers.</summary>
    /// <exception cref="InvalidOperationException">The endpoint is not transactional, or no message is being handled.</exception>
    IStoreTransaction Transaction { get; }
}
