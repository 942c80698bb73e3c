namespace Switchboard.RabbitMQ.Tests.Crash;

/// <summary>
/// One "handled N T D" line of a crash host: message <paramref name="Number"/>, handled at <paramref name="At"/> (the
/// machine's monotonic clock, comparable across processes) as its <paramref name="Delivery"/>th delivery, by <paramref name="By"/>.
/// </summary>
public sealed record Handling(int Number, long At, int Delivery, string By)
{
    /// <summary>What <paramref name="host"/> handled, in the order it wrote it.</summary>
    public static List<Handling> Of(CrashHostProcess host) =>
        [.. host.Output.Fields("handled").Where(f => f.Length == 3).Select(f => new Handling((int)f[0], f[1], (int)f[2], host.Name))];

    /// <summary>What all <paramref name="hosts"/> handled, in the order it happened.</summary>
    public static List<Handling> Merged(params CrashHostProcess[] hosts) =>
        [.. hosts.SelectMany(Of).OrderBy(h => h.At)];
}
