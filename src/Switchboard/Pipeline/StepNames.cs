namespace Switchboard.Pipeline;

/// <summary>Names of the built-in receive steps, in their order (outermost first).</summary>
public static class StepNames
{
    /// <summary>Settles the message with the transport once the rest of the pipeline has decided.</summary>
    public const string Acknowledge = "acknowledge";

    /// <summary>
    /// With <see cref="Configuration.SwitchboardBuilder.UseAudit"/> only, just inside <see cref="Acknowledge"/>: records
    /// how each delivery ended.
    /// </summary>
    public const string Audit = "audit";

    /// <summary>Process span, logging scope and metrics.</summary>
    public const string Trace = "trace";

    /// <summary>Checks size and type name and turns the body into the registered message type.</summary>
    public const string Deserialize = "deserialize";

    /// <summary>Immediate retries, then delayed retries, then dead-letter.</summary>
    public const string Retry = "retry";

    /// <summary>Creates the DI scope and message context of one attempt.</summary>
    public const string Scope = "scope";

    /// <summary>Dispatches the sends and publishes the handlers made, after they all succeeded.</summary>
    public const string Dispatch = "dispatch";

    /// <summary>
    /// On transactional endpoints, in place of <see cref="Dispatch"/>: inbox check, the store transaction around
    /// the handlers, outbox, commit, dispatch after commit.
    /// </summary>
    public const string Transaction = "transaction";

    /// <summary>Runs the endpoint's handlers for the message type.</summary>
    public const string Invoke = "invoke";
}
