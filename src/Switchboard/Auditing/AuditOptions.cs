using System.Reflection;

namespace Switchboard.Auditing;

/// <summary>What the audit step records and how long the log keeps it (<see cref="Configuration.SwitchboardBuilder.UseAudit"/>).</summary>
public sealed record AuditOptions
{
    /// <summary>The service name on every record; the entry assembly's name unless set.</summary>
    public string Service { get; init; } = Assembly.GetEntryAssembly()?.GetName().Name ?? "unknown";

    /// <summary>The process name on every record; <c>host/pid</c> unless set.</summary>
    public string Instance { get; init; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    /// <summary>How many bytes of each body to keep; 0 (the default) keeps none.</summary>
    public int MaxBodyBytes { get; init; }

    /// <summary>Records older than this are pruned (default 7 days).</summary>
    public TimeSpan RetainFor { get; init; } = TimeSpan.FromDays(7);

    /// <summary>At most this many records are kept, the newest (default 1,000,000).</summary>
    public long MaxRecords { get; init; } = 1_000_000;

    /// <summary>How often the writer prunes (default every minute).</summary>
    public TimeSpan PruneInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>At most this many records go in one write (default 500).</summary>
    public int BatchSize { get; init; } = 500;

    /// <summary>
    /// Records waiting to be written (default 10,000). When the log falls this far behind, handlers wait for it
    /// rather than records being dropped.
    /// </summary>
    public int BufferCapacity { get; init; } = 10_000;

    internal void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Service, nameof(Service));
        ArgumentException.ThrowIfNullOrWhiteSpace(Instance, nameof(Instance));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxBodyBytes, nameof(MaxBodyBytes));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(RetainFor, TimeSpan.Zero, nameof(RetainFor));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxRecords, 1, nameof(MaxRecords));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(PruneInterval, TimeSpan.Zero, nameof(PruneInterval));
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(BufferCapacity, 1, nameof(BufferCapacity));
    }
}
