using System.Diagnostics;

namespace Shop.Distributed.Tests;

/// <summary>
/// The AppHost (shop/src/Shop.AppHost, as scripts/distributed.sh runs it) refuses what it cannot do with one line on
/// standard error and exit code 2, before it provisions or starts anything.
/// </summary>
public sealed class AppHostCommandLineTests
{
    [Theory]
    [InlineData("--payment 11", "--payment takes 1 to 10 instances, not '11'.")]
    [InlineData("--order 0", "--order takes 1 to 10 instances, not '0'.")]
    [InlineData("--payment two", "not 'two'")]
    [InlineData("--port 80", "--port takes a port from 1024 to 65475, not '80'.")]
    [InlineData("--port http", "not 'http'")]
    [InlineData("--postgres-connections 5", "--postgres-connections takes a whole number of at least 10, not '5'.")]
    [InlineData("--concurrency payment", "--concurrency takes SERVICE=N, SERVICE one of order, payment, inventory, shipping, notification, analytics and N from 1 to 256, not 'payment'.")]
    [InlineData("--concurrency kafka=2", "not 'kafka=2'")]
    [InlineData("--concurrency payment=0", "not 'payment=0'")]
    [InlineData("--concurrency payment=+2", "not 'payment=+2'")]
    [InlineData("--concurrency payment=2 --concurrency payment=3", "--concurrency names payment more than once.")]
    [InlineData("--gateway-latency soon", "--gateway-latency takes a duration from 0 to 1 minute")]
    [InlineData("--gateway-latency 90s", "not '90s'")]
    [InlineData("--kafka", "shop-apphost: ")]
    public async Task What_the_apphost_cannot_do_is_refused_with_one_line_and_exit_code_2(string arguments, string expected)
    {
        // Without the servers' variables: a refusal that failed would stop at them, never provision anything.
        var (exitCode, error) = await RunAsync(arguments.Split(' '), new Dictionary<string, string?>
        {
            ["SWITCHBOARD_RABBITMQ_MANAGEMENT"] = null,
            ["SWITCHBOARD_RABBITMQ_URI"] = null,
            ["SWITCHBOARD_POSTGRES_CONNECTION"] = null,
        });

        Assert.True(exitCode == 2, $"exit code {exitCode}; stderr: {error}");
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("SWITCHBOARD_RABBITMQ_MANAGEMENT", "set SWITCHBOARD_RABBITMQ_MANAGEMENT to the management API's URI")]
    [InlineData("SWITCHBOARD_POSTGRES_CONNECTION", "set SWITCHBOARD_POSTGRES_CONNECTION to an Npgsql connection string")]
    public async Task Without_the_servers_it_says_which_variable_is_missing(string missing, string expected)
    {
        var environment = new Dictionary<string, string?>
        {
            ["SWITCHBOARD_RABBITMQ_MANAGEMENT"] = "http://admin:secret@127.0.0.1:1/",
            ["SWITCHBOARD_RABBITMQ_URI"] = "amqp://127.0.0.1:1/",
            ["SWITCHBOARD_POSTGRES_CONNECTION"] = "Host=127.0.0.1;Port=1",
            [missing] = null,
        };

        var (exitCode, error) = await RunAsync([], environment);

        Assert.True(exitCode == 2, $"exit code {exitCode}; stderr: {error}");
        Assert.Contains(expected, Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }

    private static async Task<(int ExitCode, string Error)> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?> environment)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = Path.GetTempPath() };
        start.ArgumentList.Add(AppHostDll());
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            if (value is null)
            {
                start.Environment.Remove(name);
            }
            else
            {
                start.Environment[name] = value;
            }
        }

        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        _ = process.StandardOutput.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("The AppHost ran instead of refusing: " + await error);
        }

        return (process.ExitCode, await error);
    }

    // The AppHost as the launcher builds it, in this assembly's configuration.
    private static string AppHostDll() => ChildProcess.Built(Path.Combine("shop", "src", "Shop.AppHost"), "Shop.AppHost.dll");
}
