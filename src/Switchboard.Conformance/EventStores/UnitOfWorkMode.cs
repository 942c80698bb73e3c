using Switchboard.Persistence;

namespace Switchboard.Conformance.EventStores;

/// <summary>How a test drives a unit of work of the message store, for stores that hold writes until the commit and run them at once once the database transaction is open.</summary>
public enum UnitOfWorkMode
{
    /// <summary>It never asks for the database transaction.</summary>
    Deferred,

    /// <summary>It asks for the database transaction first (<see cref="ISqlStoreTransaction.GetDbTransactionAsync"/>), so everything after runs on it.</summary>
    Live,

    /// <summary>It asks for the database transaction after its appends, just before the commit, so what it held until then is written on it.</summary>
    LiveAtCommit,
}
