using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Shop.Http;
using Xunit.Abstractions;

namespace Shop.Distributed.Tests;

/// <summary>
/// One <c>shop run --services NAME</c> process (the shop executable as built next to its project), with its own loopback
/// port, its output kept (the last lines) for the test log, stopped gracefully by closing its standard input
/// (<c>--stop-on-stdin-eof</c>) and killed when it does not stop.
/// </summary>
internal sealed class ShopProcess : IAsyncDisposable
{
    private readonly ChildProcess _child;

    private readonly ShopTokens? _tokens;

    private ShopProcess(string service, int instance, Uri url, Process process, ShopTokens? tokens)
    {
        _tokens = tokens;
        Service = service;
        Instance = instance;
        Url = url;
        _child = new ChildProcess(process);
        Http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Service { get; }

    public int Instance { get; }

    public Uri Url { get; }

    public HttpClient Http { get; }

    public string Name => $"{Service}#{Instance}";

    public bool HasExited => _child.Process.HasExited;

    public int ExitCode => _child.Process.ExitCode;

    /// <summary>
    /// The shop executable: the copy the build puts next to this test assembly (the project reference brings it with its
    /// runtimeconfig and deps files), else the one built next to its project in this assembly's configuration.
    /// </summary>
    public static string ShopDll
    {
        get
        {
            var local = Path.Combine(AppContext.BaseDirectory, "shop.dll");
            if (File.Exists(local) && File.Exists(Path.Combine(AppContext.BaseDirectory, "shop.runtimeconfig.json")))
            {
                return local;
            }

            return ChildProcess.Built(Path.Combine("shop", "src", "Shop"), "shop.dll");
        }
    }

    /// <summary>
    /// Starts <c>shop run --services SERVICE</c> (one instance) on RabbitMQ and PostgreSQL, on a free loopback port:
    /// with <paramref name="provisioned"/>, as the service's own broker user (<paramref name="rabbitMq"/>) on a topology
    /// <c>shop broker-users</c> provisioned; otherwise as a user that declares the topology itself. It validates tokens
    /// with the development key in <paramref name="signingKeyFile"/>, which <paramref name="tokens"/> signs with.
    /// </summary>
    public static ShopProcess Start(string service, int instance, Uri rabbitMq, string postgres, string workingDirectory, string signingKeyFile, ShopTokens tokens, bool provisioned = true)
    {
        string[] arguments = ["--transport", "rabbitmq", "--store", "postgres", "--postgres", postgres, "--signing-key-file", signingKeyFile];

        // The broker user (its password) in the child's environment, not on its command line.
        return Start(
            service,
            instance,
            provisioned ? [.. arguments, "--rabbitmq-provisioned"] : arguments,
            workingDirectory,
            tokens,
            environment: new Dictionary<string, string> { ["SWITCHBOARD_RABBITMQ_URI"] = rabbitMq.ToString() });
    }

    /// <summary>
    /// Starts <c>shop run --services SERVICES</c> with <paramref name="arguments"/> and <paramref name="environment"/> in
    /// <paramref name="workingDirectory"/>, listening on <paramref name="url"/> (a free loopback port when null: give a
    /// restarted process its old one); <paramref name="tokens"/> (signing with the key the process validates with) lets
    /// <see cref="HealthAsync"/> ask as an operator.
    /// </summary>
    public static ShopProcess Start(string services, int instance, IEnumerable<string> arguments, string workingDirectory, ShopTokens? tokens, Uri? url = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        url ??= new Uri($"http://127.0.0.1:{ChildProcess.FreePort()}");
        var start = StartInfo(["run", "--services", services, "--url", url.ToString().TrimEnd('/'), "--log-level", "Warning", "--stop-on-stdin-eof", .. arguments]);
        start.WorkingDirectory = workingDirectory;

        // The test runner's own connection strings and administrator stay out of the child's view.
        start.Environment.Remove("SWITCHBOARD_RABBITMQ_URI");
        start.Environment.Remove("SWITCHBOARD_RABBITMQ_MANAGEMENT");
        start.Environment.Remove("SWITCHBOARD_POSTGRES_CONNECTION");
        // Warnings only, but the host's and the bus's lifecycle too, so a failure's output shows where a start or a
        // stop stood.
        start.Environment["Logging__LogLevel__Switchboard"] = "Information";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        start.Environment["Logging__LogLevel__Microsoft.Extensions.Hosting"] = "Debug";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new ShopProcess(services, instance, url, new Process { StartInfo = start, EnableRaisingEvents = true }, tokens);
    }

    /// <summary>Runs <paramref name="test"/>; when it fails, writes the output of every process in <paramref name="processes"/> to the test's log first.</summary>
    public static async Task WithOutputOnFailureAsync(IReadOnlyList<ShopProcess> processes, ITestOutputHelper output, Func<Task> test)
    {
        try
        {
            await test();
        }
        catch
        {
            foreach (var process in processes)
            {
                output.WriteLine($"===== {process.Name} ({process.Url}){(process.HasExited ? $", exited with {process.ExitCode}" : "")} =====");
                output.WriteLine(process.Output());
            }

            throw;
        }
    }

    /// <summary>How to run the shop executable with <paramref name="arguments"/>, its standard streams redirected.</summary>
    public static ProcessStartInfo StartInfo(params string[] arguments)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(ShopDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    /// <summary>Waits until <c>GET /health</c> answers 200; throws with the process's output when it exits or the time is up.</summary>
    public Task WaitHealthyAsync(TimeSpan patience) => WaitForOkAsync("/health/live", patience);

    /// <summary>Waits until <c>GET /health/ready</c> answers 200; throws with the process's output when it exits or the time is up.</summary>
    public Task WaitReadyAsync(TimeSpan patience) => WaitForOkAsync("/health/ready", patience);

    /// <summary>The process's <c>GET /health/ready</c>: its status code, content type and body.</summary>
    public async Task<(HttpStatusCode Status, string? ContentType, string Body)> HealthAsync(string path)
    {
        using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
        return (response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private async Task WaitForOkAsync(string path, TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_child.Process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_child.Process.ExitCode} before it served:\n{Output()}");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri(path, UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }

            if (clock.Elapsed > patience)
            {
                throw new TimeoutException($"{Name} did not answer GET {path} with 200 within {patience}:\n{Output()}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>The process's <c>GET /health/details</c>, as an operator.</summary>
    public async Task<Health> HealthAsync() =>
        await ApiRequests.GetAsync<Health>(Http, "/health/details", (_tokens ?? throw new InvalidOperationException($"{Name} was started without tokens")).ForOperator(), CancellationToken.None)
        ?? throw new InvalidOperationException($"{Name}: empty /health/details");

    /// <summary>Closes standard input and waits for the process to exit; false when it had to be killed.</summary>
    public async Task<bool> StopAsync(TimeSpan patience)
    {
        if (_child.Process.HasExited)
        {
            return true;
        }

        try
        {
            _child.Process.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        return await _child.ExitsWithinAsync(patience);
    }

    public string Output() => _child.Output();

    /// <summary>Kills the process at once (SIGKILL: no shutdown code runs, as in a crash) and waits until it is gone.</summary>
    public async Task KillAsync()
    {
        _child.Kill();
        await _child.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    public async ValueTask DisposeAsync()
    {
        _child.Kill();
        try
        {
            await _child.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
        }

        Http.Dispose();
        _child.Process.Dispose();
    }

    /// <summary>A shop process's <c>GET /health</c>.</summary>
    public sealed record Health(string Status, IReadOnlyList<string> Services, int ProcessId, IReadOnlyDictionary<string, long> Handled, long FailedAttempts, long DeadLettered);
}
