using Switchboard.Operations;

namespace Switchboard.Testing;

/// <summary>A saga instance as its store holds it, with its state read as <typeparamref name="TState"/>.</summary>
/// <typeparam name="TState">The saga's state type.</typeparam>
/// <param name="Key">The instance's correlation key.</param>
/// <param name="State">Its state.</param>
/// <param name="Version">Its version (how many times it was saved).</param>
/// <param name="Completed">Whether it completed.</param>
/// <param name="PendingTimeouts">The timeouts it requested that are not due yet, the soonest first.</param>
public sealed record SagaSnapshot<TState>(string Key, TState State, long Version, bool Completed, IReadOnlyList<PendingTimeout> PendingTimeouts);
