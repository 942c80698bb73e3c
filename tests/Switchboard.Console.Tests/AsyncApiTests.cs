using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;

namespace Switchboard.Console.Tests;

/// <summary>The AsyncAPI document served by <c>MapAsyncApi</c>, and the same document through the console's API (for the CLI).</summary>
public sealed class AsyncApiTests
{
    [Fact]
    public async Task The_document_is_served_at_its_address_and_through_the_console()
    {
        await using var host = await ConsoleHost.StartAsync(asyncApi: true);

        using var served = await host.Http.GetAsync(new Uri("/asyncapi.json", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
        Assert.Equal("application/json", served.Content.Headers.ContentType?.MediaType);
        var document = JsonNode.Parse(await served.Content.ReadAsStringAsync())!;
        Assert.Equal("3.0.0", (string?)document["asyncapi"]);
        Assert.Equal("Console tests", (string?)document["info"]!["title"]);
        Assert.Superset(new HashSet<string> { ConsoleHost.Orders, ConsoleHost.Counters, ConsoleHost.Timers }, document["channels"]!.AsObject().Select(c => c.Key).ToHashSet());
        Assert.Equal("receive", (string?)document["operations"]!["receive." + ConsoleHost.Orders]!["action"]);

        using var console = await host.Http.GetAsync(new Uri("/switchboard/api/asyncapi", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, console.StatusCode);
        Assert.Equal(await served.Content.ReadAsStringAsync(), await console.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Without_a_registered_document_the_console_answers_404_and_mapping_one_fails()
    {
        await using var host = await ConsoleHost.StartAsync();

        using var response = await host.Http.GetAsync(new Uri("/switchboard/api/asyncapi", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("AddAsyncApi", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await using var app = WebApplication.CreateSlimBuilder().Build();
        var error = Assert.Throws<InvalidOperationException>(() => app.MapAsyncApi());
        Assert.Contains("AddAsyncApi", error.Message, StringComparison.Ordinal);
    }
}
