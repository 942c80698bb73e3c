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

    /// <summary>How long stopping waits for in-flight messages to finish before cancelling them. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
