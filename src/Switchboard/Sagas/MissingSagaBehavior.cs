namespace Switchboard.Sagas;

/// <summary>What a saga does with a message that does not start it when no instance exists for its key.</summary>
public enum MissingSagaBehavior
{
    /// <summary>
    /// Fail the attempt with <see cref="SagaNotFoundException"/>: the endpoint's retry policy tries again (the
    /// start message may still be on its way) and finally dead-letters it. Nothing is dropped silently.
    /// </summary>
    Retry,

    /// <summary>Acknowledge and log it.</summary>
    Ignore,
}
