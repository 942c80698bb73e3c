using System.Diagnostics;
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

    /// <summary>
    /// How long a group commit took, from <c>BEGIN</c> to the end of its <c>COMMIT</c> (the fsync included): the time
    /// every operation in it waits at least, on top of the commit before it.
    /// </summary>
    public static Histogram<double> CommitDuration { get; } = SwitchboardDiagnostics.Meter.CreateHistogram<double>(
        "switchboard.sqlite.writer.commit.duration", "s", "Time the SQLite writer took for one group commit.");

    /// <summary>Operations per group commit.</summary>
    public static Histogram<int> BatchSize { get; } = SwitchboardDiagnostics.Meter.CreateHistogram<int>(
        "switchboard.sqlite.writer.batch.size", "{operation}", "Operations in one SQLite group commit.");

    /// <summary>
    /// How long operations waited for their commit, from being queued to the end of the commit that contains them,
    /// tagged <c>switchboard.sqlite.operation</c>: what a unit of work, a claim or an acknowledgement adds to a message's time.
    /// </summary>
    public static Histogram<double> Wait { get; } = SwitchboardDiagnostics.Meter.CreateHistogram<double>(
        "switchboard.sqlite.writer.wait", "s", "Time from queueing a write to the end of its commit.");

    /// <summary>
    /// Messages the writer inserted already leased to an idle local receiver and gave it after the commit, tagged
    /// <c>messaging.destination.name</c>: deliveries that took no claim.
    /// </summary>
    public static Counter<long> HandOffs { get; } = SwitchboardDiagnostics.Meter.CreateCounter<long>(
        "switchboard.sqlite.writer.hand_offs", "{message}", "Messages the SQLite writer handed to a local receiver without a claim.");

    /// <summary>Counts and times a committed batch that began at <paramref name="started"/>.</summary>
    public static void Committed(List<WriteOperation> operations, long started)
    {
        var now = Stopwatch.GetTimestamp();
        if (Commits.Enabled)
        {
            Commits.Add(1);
        }

        if (CommitDuration.Enabled)
        {
            CommitDuration.Record(Stopwatch.GetElapsedTime(started, now).TotalSeconds);
        }

        if (BatchSize.Enabled)
        {
            BatchSize.Record(operations.Count);
        }

        if (!Operations.Enabled && !Wait.Enabled)
        {
            return;
        }

        foreach (var operation in operations)
        {
            var kind = new KeyValuePair<string, object?>("switchboard.sqlite.operation", operation.Kind);
            Operations.Add(1, kind);
            if (operation.QueuedAt != 0)
            {
                Wait.Record(Stopwatch.GetElapsedTime(operation.QueuedAt, now).TotalSeconds, kind);
            }
        }
    }
}
