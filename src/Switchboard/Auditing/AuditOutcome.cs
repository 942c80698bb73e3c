namespace Switchboard.Auditing;

/// <summary>The outcomes' names in APIs and command lines: <c>handled</c>, <c>retrying</c>, <c>dead-lettered</c>.</summary>
public static class AuditOutcomeNames
{
    /// <summary>The name of <paramref name="outcome"/>.</summary>
    public static string Of(AuditOutcome outcome) => outcome switch
    {
        AuditOutcome.Handled => "handled",
        AuditOutcome.Retrying => "retrying",
        _ => "dead-lettered",
    };

    /// <summary>The outcome named <paramref name="name"/> (as <see cref="Of"/> writes it).</summary>
    /// <exception cref="FormatException">No outcome has that name.</exception>
    public static AuditOutcome Parse(string? name) => name switch
    {
        "handled" => AuditOutcome.Handled,
        "retrying" => AuditOutcome.Retrying,
        "dead-lettered" => AuditOutcome.DeadLettered,
        _ => throw new FormatException($"'{name}' is not an audit outcome (handled, retrying, dead-lettered)."),
    };
}

/// <summary>How one delivery of a message to an endpoint ended.</summary>
public enum AuditOutcome
{
    /// <summary>The handlers succeeded (or the inbox found it handled already) and the message was acknowledged.</summary>
    Handled,

    /// <summary>Every attempt of this delivery failed; the message went back to its queue for a delayed retry.</summary>
    Retrying,

    /// <summary>The message went to the dead-letter queue: retries exhausted, a permanent failure, or it could not be read.</summary>
    DeadLettered,
}
