namespace Switchboard.Configuration;

/// <summary>Bus-wide settings.</summary>
public sealed record BusOptions
{
    /// <summary>Bodies larger than this are dead-lettered without being parsed. Default 1 MiB.</summary>
    public int MaxBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>Bodies nested deeper than this are dead-lettered. Default 64.</summary>
    public int MaxBodyDepth { get; init; } = 64;

    /// <summary>
    /// When true, publishing a message type the bus did not declare with <see cref="SwitchboardBuilder.Publishes{TMessage}"/>
    /// throws, on every transport: a forgotten declaration fails in the first test that publishes the message, not only
    /// on a broker whose per-service permissions (computed from the declarations) refuse it. Default false.
    /// </summary>
    public bool OnlyDeclaredPublications { get; init; }

    /// <summary>
    /// How the bus writes what it sends and publishes. Default <see cref="Switchboard.WireFormat.CloudEventsBinary"/>:
    /// CloudEvents 1.0 attributes beside the envelope's own fields, which every Switchboard version reads. An endpoint may
    /// choose another for what its handlers send (<see cref="EndpointOptions.WireFormat"/>). Receivers read every format.
    /// </summary>
    public WireFormat WireFormat { get; init; } = WireFormat.CloudEventsBinary;

    /// <summary>
    /// The CloudEvents <c>source</c> of what this bus sends: a URI reference naming the producing service, such as
    /// <c>/shop/payment</c> or <c>urn:acme:billing</c>. Null (the default): <c>/</c> and the host's application name.
    /// </summary>
    public string? CloudEventsSource { get; init; }

    /// <summary>How long stopping waits for in-flight messages to finish before cancelling them. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// When the bus cannot start because its broker or database cannot be reached, the wait before it tries again;
    /// it doubles per failed attempt up to <see cref="MaxStartRetryDelay"/>, each wait shortened or lengthened by up
    /// to a fifth at random (so that processes that lost their server together do not come back in step). Default 1 s.
    /// </summary>
    public TimeSpan StartRetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts to start (see <see cref="StartRetryDelay"/>). Default 30 s.</summary>
    public TimeSpan MaxStartRetryDelay { get; init; } = TimeSpan.FromSeconds(30);
}
