namespace Switchboard.Cli.Tests;

/// <summary>Runs the CLI in process, as its executable would, capturing what it writes.</summary>
internal static class Cli
{
    public static async Task<(int ExitCode, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await AdminCli.RunAsync(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }
}
