using Switchboard.Auditing;

namespace Switchboard.Console;

/// <summary>How <see cref="Microsoft.AspNetCore.Builder.SwitchboardConsoleEndpointRouteBuilderExtensions.MapSwitchboardConsole"/> serves the console.</summary>
public sealed class SwitchboardConsoleOptions
{
    private readonly List<(string Name, Func<IServiceProvider, IAuditLog> Create)> _auditLogs = [];

    /// <summary>
    /// The authorization policy every page and API call requires (one the host defines, e.g. an operator role). Without
    /// one the console answers loopback requests only, and its pages say so.
    /// </summary>
    public string? AuthorizationPolicy { get; set; }

    /// <summary>The title on every page.</summary>
    public string Title { get; set; } = "Switchboard";

    /// <summary>How many dead letters of each endpoint a filtered list scans at most (oldest first).</summary>
    public int DeadLetterScanLimit { get; set; } = 1_000;

    /// <summary>How many records of one conversation the flow view reads at most, from each audit log.</summary>
    public int MaxFlowRecords { get; set; } = 10_000;

    /// <summary>
    /// Another audit log the flow view reads besides this application's own (<see cref="IAuditLog"/>): in a distributed
    /// deployment, each service's store, so one view shows a conversation across every service. <paramref name="create"/>
    /// runs once, at the first flow shown, with the application's services; the log's owner (e.g. a singleton store)
    /// disposes it.
    /// </summary>
    public SwitchboardConsoleOptions AddAuditLog(string name, Func<IServiceProvider, IAuditLog> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(create);
        _auditLogs.Add((name, create));
        return this;
    }

    internal IReadOnlyList<(string Name, Func<IServiceProvider, IAuditLog> Create)> AuditLogs => _auditLogs;
}
