using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Shop.Contracts;
using Shop.Http;
using Switchboard.Conformance.Harness;
using Xunit.Abstractions;

namespace Shop.Distributed.Tests;

/// <summary>
/// Shop's services started while RabbitMQ and PostgreSQL cannot be reached (closed <see cref="TcpProxy"/>s in front of
/// the real servers): each <c>shop run</c> process keeps running, answers <c>GET /health</c> with 200 and
/// <c>GET /health/ready</c> with 503, the Order API answers 503; once the servers are reachable every process becomes
/// ready by itself and an order placed through the Order API completes.
/// </summary>
public sealed class UnreachableAtStartTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int MaxPoolSize = 4;
    private static readonly string[] Layout = ["order", "payment", "inventory", "shipping"];

    private readonly TestEnvironment _environment = new("unreach");
    private readonly TcpProxy _broker = TcpProxy.Closed(TestServers.AmqpUri.Host, TestServers.AmqpUri.Port);
    private readonly TcpProxy _database = DatabaseProxy();

    public Task InitializeAsync() => _environment.InitializeAsync();

    public async Task DisposeAsync()
    {
        await _environment.DisposeAsync();
        await _broker.DisposeAsync();
        await _database.DisposeAsync();
    }

    [Fact]
    public Task Services_started_while_the_broker_and_the_database_are_unreachable_become_ready_and_complete_an_order_once_they_are_reachable() =>
        ShopProcess.WithOutputOnFailureAsync(_environment.Processes, output, RunAsync);

    private async Task RunAsync()
    {
        var rabbitMq = new UriBuilder(TestServers.AmqpUriFor(_environment.Vhost)) { Host = "127.0.0.1", Port = _broker.Port }.Uri;
        var postgres = new NpgsqlConnectionStringBuilder(TestServers.PostgresConnectionFor(_environment.Database, MaxPoolSize)) { Host = "127.0.0.1", Port = _database.Port }.ToString();
        var signingKeyFile = Path.Combine(_environment.Directory.FullName, DevelopmentSigningKey.FileName);
        var tokens = new ShopTokens(DevelopmentSigningKey.LoadOrCreate(signingKeyFile));
        foreach (var service in Layout.Append("analytics"))
        {
            _environment.Processes.Add(ShopProcess.Start(service, 1, rabbitMq, postgres, _environment.Directory.FullName, signingKeyFile, tokens, provisioned: false));
        }

        // Alive, not ready: liveness 200, readiness and health 503 with a problem that names nothing internal.
        await Task.WhenAll(_environment.Processes.Select(p => p.WaitHealthyAsync(TimeSpan.FromSeconds(90))));
        foreach (var process in _environment.Processes)
        {
            foreach (var path in new[] { "/health/ready", "/health" })
            {
                var (status, contentType, body) = await process.HealthAsync(path);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
                Assert.Equal("application/problem+json", contentType);
                AssertNamesNothingInternal(body);
            }
        }

        // The Order API cannot reach its event store: 503, not 500.
        var order = _environment.Processes.Single(p => p.Service == "order");
        using (var refused = await order.Http.SendAsync(Approved("unreachable-1").ToHttpRequest(tokens)))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
            Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
            Assert.NotNull(refused.Headers.RetryAfter);
            AssertNamesNothingInternal(await refused.Content.ReadAsStringAsync());
        }

        // A process stops gracefully while it waits for its servers.
        var analytics = _environment.Processes.Single(p => p.Service == "analytics");
        Assert.True(await analytics.StopAsync(TimeSpan.FromSeconds(30)), "analytics did not stop while waiting for its servers");
        Assert.Equal(0, analytics.ExitCode);
        _environment.Processes.Remove(analytics);
        await analytics.DisposeAsync();
        Assert.All(_environment.Processes, p => Assert.False(p.HasExited, $"{p.Name} exited"));

        _broker.Open();
        _database.Open();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(_environment.Processes.Select(p => p.WaitReadyAsync(TimeSpan.FromSeconds(120))));
        output.WriteLine($"Every process ready {clock.Elapsed.TotalSeconds:F1} s after the servers became reachable.");

        var placed = new PlacedOrders();
        await placed.PlaceAsync(order.Http, tokens, Approved("reachable-1"), CancellationToken.None);
        var id = Assert.Single(placed.Accepted);
        Assert.Equal("completed", await WaitForTerminalAsync(order, id, tokens.ForCustomer("customer-unreachable")));

        var stopped = await Task.WhenAll(_environment.Processes.Select(p => p.StopAsync(TimeSpan.FromSeconds(20))));
        Assert.All(_environment.Processes.Zip(stopped), pair => Assert.True(pair.Second && pair.First.ExitCode == 0, $"{pair.First.Name} did not stop cleanly"));
    }

    private static OrderRequest Approved(string key) =>
        new(key, "customer-unreachable", "customer-unreachable@example.com", [new OrderRequestLine("SKU-0001", 1)], "tok_visa",
            new ShippingAddress("Ada Lovelace", "1 Analytical Row", null, "London", "N1 7AA", "GB"));

    private async Task<string> WaitForTerminalAsync(ShopProcess order, Guid id, string token)
    {
        var patience = Stopwatch.StartNew();
        while (true)
        {
            var view = await ApiRequests.GetAsync<OrderView>(order.Http, $"/orders/{id}", token, CancellationToken.None);
            if (view is { Status: "completed" or "failed" or "cancelled" })
            {
                return view.Status;
            }

            Assert.True(patience.Elapsed < TimeSpan.FromSeconds(90), $"Order {id} is still {view?.Status} after {patience.Elapsed}.");
            Assert.All(_environment.Processes, p => Assert.False(p.HasExited, $"{p.Name} exited"));
            await Task.Delay(250);
        }
    }

    private static void AssertNamesNothingInternal(string body)
    {
        Assert.DoesNotContain("127.0.0.1", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", body, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body, StringComparison.Ordinal);
    }

    private static TcpProxy DatabaseProxy()
    {
        var server = new NpgsqlConnectionStringBuilder(TestServers.PostgresConnection);
        return TcpProxy.Closed(server.Host!, server.Port);
    }

    private sealed record OrderView(Guid Id, string Status);
}
