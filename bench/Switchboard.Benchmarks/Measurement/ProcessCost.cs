using System.Diagnostics;
using System.Runtime;

namespace Switchboard.Benchmarks.Measurement;

/// <summary>
/// What a stretch of the process cost: CPU time, allocations, garbage collections, JIT work, thread-pool work items
/// and contended locks. Diagnostics for stderr, to explain a figure; none of it enters the JSON line.
/// </summary>
public sealed record ProcessCost(
    TimeSpan Wall,
    TimeSpan Cpu,
    long AllocatedBytes,
    int Gen0,
    int Gen1,
    int Gen2,
    TimeSpan GcPause,
    long MethodsJitted,
    TimeSpan JitTime,
    long ThreadPoolWorkItems,
    long LockContentions)
{
    /// <summary>Reads the counters now; subtract two readings with <see cref="Since"/>.</summary>
    public static ProcessCost Now()
    {
        using var process = Process.GetCurrentProcess();
        return new ProcessCost(
            Stopwatch.GetElapsedTime(0),
            process.TotalProcessorTime,
            GC.GetTotalAllocatedBytes(precise: true),
            GC.CollectionCount(0),
            GC.CollectionCount(1),
            GC.CollectionCount(2),
            GC.GetTotalPauseDuration(),
            JitInfo.GetCompiledMethodCount(),
            JitInfo.GetCompilationTime(),
            ThreadPool.CompletedWorkItemCount,
            Monitor.LockContentionCount);
    }

    /// <summary>The cost between <paramref name="start"/> and this reading.</summary>
    public ProcessCost Since(ProcessCost start) => new(
        Wall - start.Wall,
        Cpu - start.Cpu,
        AllocatedBytes - start.AllocatedBytes,
        Gen0 - start.Gen0,
        Gen1 - start.Gen1,
        Gen2 - start.Gen2,
        GcPause - start.GcPause,
        MethodsJitted - start.MethodsJitted,
        JitTime - start.JitTime,
        ThreadPoolWorkItems - start.ThreadPoolWorkItems,
        LockContentions - start.LockContentions);

    /// <summary>One line for stderr, per completion where that helps comparing runs.</summary>
    public string Describe(long completions)
    {
        var per = (double)Math.Max(1, completions);
        return $"wall {Wall.TotalSeconds:F3} s, cpu {Cpu.TotalSeconds:F3} s ({Cpu / Wall * 100:F0}% of one core), "
            + $"{Cpu.TotalMicroseconds / per:F2} us cpu/completion, {AllocatedBytes / per:F0} B allocated/completion, "
            + $"GCs gen0 {Gen0} gen1 {Gen1} gen2 {Gen2}, GC pauses {GcPause.TotalMilliseconds:F0} ms ({GcPause / Wall * 100:F1}% of wall), "
            + $"JIT {MethodsJitted} methods in {JitTime.TotalMilliseconds:F0} ms, "
            + $"{ThreadPoolWorkItems / per:F2} thread-pool work items/completion, {LockContentions / per:F3} lock contentions/completion";
    }
}
