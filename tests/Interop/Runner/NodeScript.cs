using System.Diagnostics;

namespace Switchboard.Interop;

/// <summary>
/// Runs a script of tests/Interop with Node.js: a client no one here wrote in C#. <c>SWITCHBOARD_NODE</c> names node and
/// <c>SWITCHBOARD_INTEROP</c> the folder whose npm packages are installed (scripts/services/node.sh sets both; without
/// them, <c>node</c> on the PATH and the repository's tests/Interop). A missing node or missing packages fail the test.
/// </summary>
internal static class NodeScript
{
    public static string Node { get; } = Environment.GetEnvironmentVariable("SWITCHBOARD_NODE") is { Length: > 0 } node ? node : "node";

    public static string Folder { get; } = Environment.GetEnvironmentVariable("SWITCHBOARD_INTEROP") is { Length: > 0 } folder
        ? folder
        : Path.Combine(RepositoryRoot(), "tests", "Interop");

    /// <summary>Runs <paramref name="script"/> (a file of tests/Interop) to its end; kills it after <paramref name="patience"/>.</summary>
    public static async Task<Result> RunAsync(string script, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, TimeSpan patience)
    {
        if (!Directory.Exists(Path.Combine(Folder, "node_modules")))
        {
            throw new InvalidOperationException($"The interop tests' npm packages are not installed in {Folder}: run scripts/services/node.sh install (./scripts/test.sh does).");
        }

        var start = new ProcessStartInfo(Node) { WorkingDirectory = Folder, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(Folder, script));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"{Node} did not start.");
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"Node.js ({Node}) is not installed: run scripts/services/node.sh install (./scripts/test.sh does) or set SWITCHBOARD_NODE.", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var errors = process.StandardError.ReadToEndAsync();
            using var timeout = new CancellationTokenSource(patience);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                return new Result(-1, await output, await errors + $"\n(killed after {patience})");
            }

            return new Result(process.ExitCode, await output, await errors);
        }
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Switchboard.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Switchboard.slnx above {AppContext.BaseDirectory}.");
    }

    /// <summary>How the script ended: its exit code (-1 when it was killed), its standard output and its standard error.</summary>
    public sealed record Result(int ExitCode, string Output, string Errors)
    {
        public override string ToString() => $"exit code {ExitCode}\n--- stdout\n{Output}\n--- stderr\n{Errors}";
    }
}
