using System.Diagnostics.Metrics;
using Switchboard.Diagnostics;

namespace Switchboard.Sqlite.Writing;

/// <summary>
/// What the file's one writer does, on the framework's meter: every write of a process goes through it, so its
/// operations and commits per business transaction are what SQLite's throughput is made of.
/// </summary>
internal static class WriterMetrics
{
    /// <summary>Operations executed in group commits, tagged <c>switchboard.sqlite.operation</c> (claim, settle, unit of work, append, ...).</summary>
    public static Counter<long> Operations { get; } = SwitchboardDiagnostics.Meter.CreateCounter<long>(
        "switchboard.sqlite.writer.operations", "{operation}", "Write operations the SQLite writer executed.");

    /// <summary>Group commits (each one fsync with the default durability).</summary>
    public static Counter<long> Commits { get; } = SwitchboardDiagnostics.Meter.CreateCounter<long>(
        "switchboard.sqlite.writer.commits", "{commit}", "Transactions the SQLite writer committed.");

    /// <summary>Counts a committed batch.</summary>
    public static void Committed(List<WriteOperation> operations)
    {
        if (Commits.Enabled)
        {
            Commits.Add(1);
        }

        if (!Operations.Enabled)
        {
            return;
        }

        foreach (var operation in operations)
        {
            Operations.Add(1, new KeyValuePair<string, object?>("switchboard.sqlite.operation", operation.Kind));
        }
    }
}
