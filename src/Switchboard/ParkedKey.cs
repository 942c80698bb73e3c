namespace Switchboard;

/// <summary>An ordering key held back by a dead letter: its later messages wait until the dead letter is re-driven or deleted.</summary>
/// <param name="Key">The ordering key.</param>
/// <param name="Queue">The ordered queue.</param>
/// <param name="DeadLetterId">The dead letter that parks the key (its id in <see cref="IDeadLetterQueue"/>).</param>
/// <param name="Waiting">How many later messages of the key wait behind it.</param>
public sealed record ParkedKey(string Key, string Queue, string DeadLetterId, long Waiting);
