using System.Net;
using System.Text.Json.Nodes;
using Shop.Http;
using Xunit.Abstractions;
using Switchboard.Interop;

namespace Shop.Distributed.Tests;

/// <summary>
/// Shop's AsyncAPI document on RabbitMQ and PostgreSQL: each <c>shop run --services NAME</c> process serves the same
/// whole-system document, which names the broker's host and vhost but not its user, and the official parser finds no
/// error in it.
/// </summary>
public sealed class AsyncApiOnRabbitMqTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly TestEnvironment _environment = new("asyncapi");

    public Task InitializeAsync() => _environment.InitializeAsync();

    public Task DisposeAsync() => _environment.DisposeAsync();

    [Fact]
    public Task Every_process_serves_the_whole_systems_document_and_the_official_parser_finds_no_error() =>
        ShopProcess.WithOutputOnFailureAsync(_environment.Processes, output, RunAsync);

    private async Task RunAsync()
    {
        var rabbitMq = TestServers.AmqpUriFor(_environment.Vhost);
        var signingKeyFile = Path.Combine(_environment.Directory.FullName, DevelopmentSigningKey.FileName);
        var tokens = new ShopTokens(DevelopmentSigningKey.LoadOrCreate(signingKeyFile));
        foreach (var service in new[] { "order", "payment" })
        {
            _environment.Processes.Add(ShopProcess.Start(service, 1, rabbitMq, TestServers.PostgresConnectionFor(_environment.Database, 4), _environment.Directory.FullName, signingKeyFile, tokens, provisioned: false));
        }

        await Task.WhenAll(_environment.Processes.Select(p => p.WaitReadyAsync(TimeSpan.FromSeconds(120))));
        var documents = new List<string>();
        foreach (var process in _environment.Processes)
        {
            using var response = await process.Http.GetAsync(new Uri("/asyncapi.json", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            documents.Add(await response.Content.ReadAsStringAsync());
        }

        Assert.Equal(documents[0], documents[1]);
        var document = JsonNode.Parse(documents[0])!;
        var server = document["servers"]!["rabbitmq"]!;
        Assert.Equal("amqp", (string?)server["protocol"]);
        Assert.Equal($"{rabbitMq.Host}:{rabbitMq.Port}", (string?)server["host"]);
        Assert.Equal("/" + _environment.Vhost, (string?)server["pathname"]);
        foreach (var secret in rabbitMq.UserInfo.Split(':'))
        {
            Assert.DoesNotContain(Uri.UnescapeDataString(secret), documents[0], StringComparison.Ordinal);
        }

        // The whole system, though each process runs one service.
        Assert.Equal(ShopServices.Names.Select(s => "receive." + s).Order(StringComparer.Ordinal), document["operations"]!.AsObject().Select(o => o.Key).Where(k => k.StartsWith("receive.", StringComparison.Ordinal)));

        var file = Path.Combine(_environment.Directory.FullName, "asyncapi.json");
        await File.WriteAllTextAsync(file, documents[0]);
        await AsyncApiParser.AssertValidAsync(file);

        var stopped = await Task.WhenAll(_environment.Processes.Select(p => p.StopAsync(TimeSpan.FromSeconds(20))));
        Assert.All(stopped, Assert.True);
    }
}
