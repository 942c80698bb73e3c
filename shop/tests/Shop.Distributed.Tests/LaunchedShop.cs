using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Shop.Http;

namespace Shop.Distributed.Tests;

/// <summary>
/// The distributed Shop as the README starts it: <c>scripts/distributed.sh</c> (RabbitMQ and PostgreSQL, then the Aspire
/// AppHost with one process per service instance). Its output is kept for the test log; <see cref="StopAsync"/> sends it
/// SIGTERM, as Ctrl+C would, and <see cref="DisposeAsync"/> kills what is left.
/// </summary>
internal sealed class LaunchedShop : IAsyncDisposable
{
    // The AppHost's port layout (shop/src/Shop.AppHost/ShopLayout.cs): service k from BasePort + 10 k, one port per instance.
    private static readonly string[] Services = ["order", "payment", "inventory", "shipping", "notification", "analytics"];

    private readonly ChildProcess _child;

    private LaunchedShop(Process process, IReadOnlyList<Instance> instances)
    {
        _child = new ChildProcess(process);
        Instances = instances;
    }

    /// <summary>Every process the launcher runs, with an HTTP client on its API.</summary>
    public IReadOnlyList<Instance> Instances { get; }

    public bool HasExited => _child.Process.HasExited;

    /// <summary>
    /// Starts <c>scripts/distributed.sh</c> with <paramref name="instances"/> per service (one where not named) and
    /// <paramref name="arguments"/>; the APIs from a free block of ports, the dashboard on free ports too.
    /// </summary>
    public static LaunchedShop Start(IReadOnlyDictionary<string, int> instances, IEnumerable<string> arguments, ShopTokens tokens)
    {
        var basePort = FreeBlock(Services.Length * 10);
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = ChildProcess.RepositoryRoot() };
        start.ArgumentList.Add(Path.Combine("scripts", "distributed.sh"));
        foreach (var argument in arguments.Concat(["--port", basePort.ToString(System.Globalization.CultureInfo.InvariantCulture)])
                     .Concat(instances.SelectMany(i => new[] { "--" + i.Key, i.Value.ToString(System.Globalization.CultureInfo.InvariantCulture) })))
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{ChildProcess.FreePort()}";
        start.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{ChildProcess.FreePort()}";
        var list = Services.SelectMany((service, k) => Enumerable.Range(1, instances.GetValueOrDefault(service, 1))
            .Select(i => new Instance(service, i, new Uri($"http://127.0.0.1:{basePort + (10 * k) + i - 1}"), tokens))).ToList();
        return new LaunchedShop(new Process { StartInfo = start, EnableRaisingEvents = true }, list);
    }

    /// <summary>Waits until every instance's <c>/health/ready</c> answers 200; throws with the launcher's output when it exits or the time is up.</summary>
    public async Task WaitReadyAsync(TimeSpan patience)
    {
        var clock = Stopwatch.StartNew();
        foreach (var instance in Instances)
        {
            while (!await instance.ReadyAsync())
            {
                if (_child.Process.HasExited)
                {
                    throw new InvalidOperationException($"scripts/distributed.sh exited with {_child.Process.ExitCode} before {instance.Name} was ready:\n{Output()}");
                }

                if (clock.Elapsed > patience)
                {
                    throw new TimeoutException($"{instance.Name} was not ready within {patience}; its checks: {await instance.DescribeChecksAsync()}\n{Output()}");
                }

                await Task.Delay(500);
            }
        }
    }

    /// <summary>Sends SIGTERM and waits for the launcher to end; its exit code, or null when it had to be killed.</summary>
    public async Task<int?> StopAsync(TimeSpan patience)
    {
        using (var kill = Process.Start("kill", ["-TERM", _child.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        return await _child.ExitsWithinAsync(patience) ? _child.Process.ExitCode : null;
    }

    public string Output() => _child.Output();

    public async ValueTask DisposeAsync()
    {
        _child.Kill();
        try
        {
            await _child.Process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
        }

        foreach (var instance in Instances)
        {
            instance.Http.Dispose();
        }

        _child.Process.Dispose();
    }

    // A random block of ports in the range Linux does not hand out as ephemeral ports, none of them listened on now.
    private static int FreeBlock(int size)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var first = Random.Shared.Next(20000, 32000 - size);
            if (Enumerable.Range(first, size).All(IsFree))
            {
                return first;
            }
        }

        throw new InvalidOperationException($"No {size} free consecutive ports found.");
    }

    private static bool IsFree(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>One service process of the launched Shop.</summary>
    public sealed record Instance(string Service, int Number, Uri Url, ShopTokens Tokens)
    {
        public HttpClient Http { get; } = new() { BaseAddress = Url, Timeout = TimeSpan.FromSeconds(30) };

        public string Name => $"{Service}-{Number}";

        public async Task<bool> ReadyAsync()
        {
            try
            {
                using var response = await Http.GetAsync(new Uri("/health/ready", UriKind.Relative));
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }

        /// <summary>The process's health checks as it describes them to an operator (why it is not ready), or why they could not be read.</summary>
        public async Task<string> DescribeChecksAsync()
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/health/details") { Headers = { Authorization = new("Bearer", Tokens.ForOperator()) } };
                using var response = await Http.SendAsync(request);
                return $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                return $"unreadable: {e.Message}; {DescribeProcess()}";
            }
        }

        // Whether a Shop process for this instance's URL runs at all (it may have died, or hang before it listens).
        private string DescribeProcess()
        {
            var url = Url.ToString().TrimEnd('/');
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                try
                {
                    var arguments = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
                    if (arguments.Contains(url) && arguments.Contains("--url"))
                    {
                        var state = File.ReadAllLines(Path.Combine(directory, "status")).FirstOrDefault(l => l.StartsWith("State:", StringComparison.Ordinal));
                        return $"its process {Path.GetFileName(directory)} runs ({state})";
                    }
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // A process that ended meanwhile, or one of another user.
                }
            }

            return "no process runs for it (it ended, or never started: the launcher's output says which)";
        }

        /// <summary>Whether anything still accepts connections on the instance's port.</summary>
        public bool Listening()
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Url.Port);
                return true;
            }
            catch (SocketException)
            {
                return false;
            }
        }

        /// <summary>The process's <c>GET /health/details</c>, as an operator.</summary>
        public async Task<ShopProcess.Health> HealthAsync() =>
            await ApiRequests.GetAsync<ShopProcess.Health>(Http, "/health/details", Tokens.ForOperator(), CancellationToken.None)
            ?? throw new InvalidOperationException($"{Name}: empty /health/details");
    }
}
