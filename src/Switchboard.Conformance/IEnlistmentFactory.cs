using Switchboard.EventSourcing;
using Switchboard.Persistence;

namespace Switchboard.Conformance;

/// <summary>
/// What a provider whose event store joins its message store's units of work (<see cref="IEventStoreEnlistment"/>)
/// provides to run the enlistment suite: its event store factory, and message stores on the data of its scopes.
/// </summary>
public interface IEnlistmentFactory : IEventStoreFactory
{
    /// <summary>
    /// A message store on the data of <paramref name="scope"/> (a scope of this factory) in which the scope's event
    /// stores can enlist (<see cref="IEventStoreEnlistment.CanEnlistIn"/>); each call is another "process". The caller
    /// initializes and disposes it.
    /// </summary>
    IMessageStore CreateMessageStore(IEventStoreScope scope);
}
