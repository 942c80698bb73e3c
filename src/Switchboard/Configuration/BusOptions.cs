namespace Switchboard.Configuration;

/// <summary>Bus-wide settings.</summary>
public sealed record BusOptions
{
    /// <summary>Bodies larger than this are dead-lettered without being parsed. Default 1 MiB.</summary>
    public int MaxBodyBytes { get; init; } = 1024 * 1024;

    /// <summary>Bodies nested deeper than this are dead-lettered. Default 64.</summary>
    public int MaxBodyDepth { get; init; } = 64;

    /// <summary>How long stopping waits for in-flight messages to finish before cancelling them. Default 30 s.</summary>
    public TimeSpan ShutdownTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
