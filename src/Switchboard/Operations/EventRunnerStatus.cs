namespace Switchboard.Operations;

/// <summary>A projection or subscription of the event store, as an operator sees it.</summary>
/// <param name="Name">Its name (its checkpoint's).</param>
/// <param name="IsProjection">Whether it is a projection (which can be rebuilt) rather than a subscription.</param>
/// <param name="Running">Whether it reads events now.</param>
/// <param name="Position">The global position up to which it has handled every event; null while it does not run.</param>
/// <param name="Lag">How many events of the store are after its position; null while it does not run.</param>
/// <param name="Generation">A projection's generation (one more at each rebuild); null for a subscription.</param>
/// <param name="Rebuilding">Whether a rebuild of the projection runs now.</param>
public sealed record EventRunnerStatus(string Name, bool IsProjection, bool Running, long? Position, long? Lag, long? Generation, bool Rebuilding);
