using System.Diagnostics;

namespace Switchboard.CrashTesting;

/// <summary>
/// One run of Switchboard.Sqlite.CrashHost as a real process (<c>dotnet Switchboard.Sqlite.CrashHost.dll ...</c>),
/// its stdout and stderr collected line by line. Disposing kills it if it is still running.
/// </summary>
public sealed class CrashHostProcess : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(20);
    private readonly Process _process;

    private CrashHostProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    /// <summary>What it wrote on stdout: "ready", "sent N", "handled N", "appended S V", "done", "stopped".</summary>
    public LineLog Output { get; } = new();

    /// <summary>Its logs (warnings and errors only).</summary>
    public LineLog Errors { get; } = new();

    public static CrashHostProcess Start(string name, params string[] arguments)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "Switchboard.Sqlite.CrashHost.dll");
        if (!File.Exists(dll) || !File.Exists(Path.ChangeExtension(dll, ".runtimeconfig.json")))
        {
            throw new FileNotFoundException("The crash host is not next to the test assembly; the test project must reference it.", dll);
        }

        var start = new ProcessStartInfo(DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var process = new Process { StartInfo = start };
        var host = new CrashHostProcess(name, process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) host.Output.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) host.Errors.Add(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Waits until <paramref name="condition"/> holds on its output; fails at once if the process exits first.</summary>
    public async Task WaitUntilAsync(Func<LineLog, bool> condition, string what, TimeSpan? timeout = null)
    {
        await Eventually.UntilAsync(() => condition(Output) || _process.HasExited, $"{Name}: {what}", Describe, timeout);
        if (!condition(Output))
        {
            await _process.WaitForExitAsync();
            if (!condition(Output))
            {
                throw new InvalidOperationException($"{Name} exited before {what}.{Environment.NewLine}{Describe()}");
            }
        }
    }

    public Task WaitForReadyAsync() => WaitUntilAsync(o => o.Contains("ready"), "'ready'", TimeSpan.FromSeconds(30));

    /// <summary>SIGKILL on Linux: no shutdown code runs, no buffer is flushed, no lease is given back.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await WaitForExitAsync();
    }

    /// <summary>Closes its stdin, which a consumer takes as the signal to stop gracefully; returns the exit code.</summary>
    public async Task<int> StopAsync()
    {
        _process.StandardInput.Close();
        return await WaitForExitAsync();
    }

    /// <summary>Waits for the exit and for the last line of its output; returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? ExitTimeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"{Name} did not exit.{Environment.NewLine}{Describe()}");
        }

        return _process.ExitCode;
    }

    public string Describe()
    {
        var state = _process.HasExited ? $"exited with {_process.ExitCode}" : "running";
        return $"""
            {Name} (pid {_process.Id}, {state}), last lines of stdout:
            {Output.Tail(10)}
            stderr:
            {Errors.Tail(30)}
            """;
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(ExitTimeout);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited in between.
        }
        finally
        {
            _process.Dispose();
        }
    }

    // The dotnet CLI that runs the tests tells its children where it is; a plain "dotnet" from PATH otherwise.
    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path && File.Exists(path) ? path : "dotnet";
}
