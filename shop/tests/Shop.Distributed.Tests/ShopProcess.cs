using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Reflection;
using Shop.Http;

namespace Shop.Distributed.Tests;

/// <summary>
/// One <c>shop run --services NAME</c> process (the shop executable as built next to its project), with its own loopback
/// port, its output kept (the last lines) for the test log, stopped gracefully by closing its standard input
/// (<c>--stop-on-stdin-eof</c>) and killed when it does not stop.
/// </summary>
internal sealed class ShopProcess : IAsyncDisposable
{
    private const int KeptLines = 3000;
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private readonly ShopTokens _tokens;

    private ShopProcess(string service, int instance, Uri url, Process process, ShopTokens tokens)
    {
        Service = service;
        Instance = instance;
        Url = url;
        _process = process;
        _tokens = tokens;
        Http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(30) };
    }

    public string Service { get; }

    public int Instance { get; }

    public Uri Url { get; }

    public HttpClient Http { get; }

    public string Name => $"{Service}#{Instance}";

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

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

            var configuration = typeof(ShopProcess).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
            var directory = new DirectoryInfo(AppContext.BaseDirectory);
            while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Switchboard.slnx")))
            {
                directory = directory.Parent;
            }

            var dll = directory is null ? null : Path.Combine(directory.FullName, "shop", "src", "Shop", "bin", configuration, "net10.0", "shop.dll");
            return dll is not null && File.Exists(dll)
                ? dll
                : throw new InvalidOperationException($"The shop executable is not built (looked for {local} and {dll}): build Switchboard.slnx first.");
        }
    }

    /// <summary>Starts the process; it validates tokens with the development key in <paramref name="signingKeyFile"/>, which <paramref name="tokens"/> signs with.</summary>
    public static ShopProcess Start(string service, int instance, Uri rabbitMq, string postgres, string workingDirectory, string signingKeyFile, ShopTokens tokens)
    {
        var url = new Uri($"http://127.0.0.1:{FreePort()}");
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        foreach (var argument in new[]
        {
            ShopDll, "run", "--services", service, "--transport", "rabbitmq", "--store", "postgres",
            "--rabbitmq", rabbitMq.ToString(), "--postgres", postgres, "--url", url.ToString().TrimEnd('/'),
            "--signing-key-file", signingKeyFile, "--log-level", "Warning", "--stop-on-stdin-eof",
        })
        {
            start.ArgumentList.Add(argument);
        }

        // The connection strings are on the command line; keep the test runner's own variables out of the child's view.
        start.Environment.Remove("SWITCHBOARD_RABBITMQ_URI");
        start.Environment.Remove("SWITCHBOARD_POSTGRES_CONNECTION");
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var shop = new ShopProcess(service, instance, url, process, tokens);
        process.OutputDataReceived += (_, e) => shop.Keep(e.Data);
        process.ErrorDataReceived += (_, e) => shop.Keep(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return shop;
    }

    /// <summary>Waits until <c>GET /health</c> answers 200; throws with the process's output when it exits or the time is up.</summary>
    public async Task WaitHealthyAsync(TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"{Name} exited with {_process.ExitCode} before it served:\n{Output()}");
            }

            try
            {
                using var response = await Http.GetAsync(new Uri("/health", UriKind.Relative));
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
                throw new TimeoutException($"{Name} did not answer GET /health within {patience}:\n{Output()}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>The process's <c>GET /health/details</c>, as an operator.</summary>
    public async Task<Health> HealthAsync() =>
        await ApiRequests.GetAsync<Health>(Http, "/health/details", _tokens.ForOperator(), CancellationToken.None)
        ?? throw new InvalidOperationException($"{Name}: empty /health/details");

    /// <summary>Closes standard input and waits for the process to exit; false when it had to be killed.</summary>
    public async Task<bool> StopAsync(TimeSpan patience)
    {
        if (_process.HasExited)
        {
            return true;
        }

        try
        {
            _process.StandardInput.Close();
        }
        catch (IOException)
        {
        }

        using var timeout = new CancellationTokenSource(patience);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            Kill();
            return false;
        }
    }

    public string Output() => string.Join('\n', _output);

    public async ValueTask DisposeAsync()
    {
        Kill();
        try
        {
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
        }

        Http.Dispose();
        _process.Dispose();
    }

    private void Kill()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > KeptLines && _output.TryDequeue(out _))
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A shop process's <c>GET /health/details</c>.</summary>
    public sealed record Health(string Status, IReadOnlyList<string> Services, int ProcessId, IReadOnlyDictionary<string, long> Handled, long FailedAttempts, long DeadLettered);
}
