namespace Switchboard.Pipeline;

/// <summary>What the acknowledge step will do with the message once the pipeline returns.</summary>
public enum Settlement
{
    /// <summary>Acknowledge: the message is done.</summary>
    Complete,

    /// <summary>Return it to the queue at once (e.g. shutdown interrupted the handler).</summary>
    Abandon,

    /// <summary>Return it to the queue for a later delivery (a delayed retry).</summary>
    Defer,

    /// <summary>Move it to the dead-letter queue.</summary>
    DeadLetter,
}
