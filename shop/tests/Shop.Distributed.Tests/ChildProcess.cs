using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Shop.Distributed.Tests;

/// <summary>
/// A process a test starts (a shop process, the launcher): the last lines it wrote, each stamped with its age so that
/// a failure's log shows how long each step took, and a kill of its whole tree.
/// </summary>
internal sealed class ChildProcess
{
    private const int KeptLines = 3000;
    private readonly ConcurrentQueue<string> _output = new();
    private readonly Stopwatch _age = Stopwatch.StartNew();

    /// <summary>Starts <paramref name="process"/> (its output redirected) and keeps what it writes.</summary>
    public ChildProcess(Process process)
    {
        Process = process;
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public Process Process { get; }

    public string Output() => string.Join('\n', _output);

    /// <summary>Kills the process and its children at once (SIGKILL: no shutdown code runs, as in a crash).</summary>
    public void Kill()
    {
        try
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue($"[{_age.Elapsed.TotalSeconds,7:F2}s] {line}");
        while (_output.Count > KeptLines && _output.TryDequeue(out _))
        {
        }
    }
}
