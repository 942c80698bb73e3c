using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

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

    /// <summary>Waits until the process exits; kills it (and its children) when it has not within <paramref name="patience"/>, and then returns false.</summary>
    public async Task<bool> ExitsWithinAsync(TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        try
        {
            await Process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            Kill();
            return false;
        }
    }

    /// <summary>A loopback port nothing listens on now.</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The checkout this test runs from: the directory above it that holds Switchboard.slnx.</summary>
    public static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Switchboard.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"No Switchboard.slnx above {AppContext.BaseDirectory}.");
    }

    /// <summary>
    /// <paramref name="dll"/> as the build puts it next to the project in <paramref name="project"/> (relative to the
    /// checkout), in this test assembly's configuration; throws when it is not built.
    /// </summary>
    public static string Built(string project, string dll)
    {
        var configuration = typeof(ChildProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var path = Path.Combine(RepositoryRoot(), project, "bin", configuration, "net10.0", dll);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} is not built: build Switchboard.slnx first.");
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
