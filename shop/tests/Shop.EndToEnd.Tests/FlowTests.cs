using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Shop.EndToEnd.Tests;

/// <summary>An order's message flow from the audit log (<c>GET /flows/{id}</c>, issue 16): every service's deliveries and what caused what.</summary>
public sealed class FlowTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task An_orders_flow_shows_each_services_deliveries_and_the_causation_tree()
    {
        await using var shop = await ShopUnderTest.StartAsync();
        var id = await shop.PlaceAsync("alice", "tok_visa", new Line("SKU-0001", 1));
        Assert.Equal("completed", (await shop.WaitForTerminalAsync(id)).Status);

        // Records are written in batches after each message is settled: wait for the last ones.
        var flow = await WaitForFlowAsync(shop, id, f => Types(f).Contains("shop.order-completed.v1"));

        var timeline = flow.GetProperty("timeline").EnumerateArray().ToList();
        Assert.All(timeline, r => Assert.Equal("handled", r.GetProperty("outcome").GetString()));
        var created = timeline.Where(r => r.GetProperty("messageType").GetString() == "shop.order-created.v1").Select(r => r.GetProperty("endpoint").GetString()).ToList();
        Assert.True(created.Count >= 3, $"OrderCreated reached payment, shipping, notification and analytics; the log shows {string.Join(", ", created)}");
        Assert.Contains("shop.payment-processed.v1", Types(flow));
        Assert.Contains("shop.order-shipped.v1", Types(flow));

        var tree = flow.GetProperty("tree").EnumerateArray().ToList();
        Assert.Equal(timeline.Select(r => r.GetProperty("messageId").GetString()).Distinct().Order(), tree.Select(n => n.GetProperty("messageId").GetString()).Order());
        var payment = Assert.Single(tree, n => n.GetProperty("messageType").GetString() == "shop.payment-processed.v1");
        Assert.True(payment.GetProperty("depth").GetInt32() >= 1, "the payment was caused by the order's creation");
        var parent = payment.GetProperty("causedBy").GetString();
        Assert.Equal("shop.order-created.v1", Assert.Single(tree, n => n.GetProperty("messageId").GetString() == parent).GetProperty("messageType").GetString());

        // One root, the order's creation: every later message, the saga's forwarded events included, hangs below it.
        var root = Assert.Single(tree, n => n.GetProperty("depth").GetInt32() == 0);
        Assert.Equal("shop.order-created.v1", root.GetProperty("messageType").GetString());
        var completed = Assert.Single(tree, n => n.GetProperty("messageType").GetString() == "shop.order-completed.v1");
        var completedBy = completed.GetProperty("causedBy").GetString();
        Assert.Equal("shop.order-shipped.v1", Assert.Single(tree, n => n.GetProperty("messageId").GetString() == completedBy).GetProperty("messageType").GetString());
    }

    [Fact]
    public async Task Unknown_and_malformed_flow_ids_get_problems_and_customers_get_403()
    {
        await using var shop = await ShopUnderTest.StartAsync();

        await Problems.AssertAsync(await shop.Operator.GetAsync(new Uri($"/flows/{Guid.NewGuid()}", UriKind.Relative)), HttpStatusCode.NotFound);
        await Problems.AssertAsync(await shop.Operator.GetAsync(new Uri("/flows/" + new string('x', 201), UriKind.Relative)), HttpStatusCode.BadRequest);
        await Problems.AssertAsync(await shop.As("alice").GetAsync(new Uri($"/flows/{Guid.NewGuid()}", UriKind.Relative)), HttpStatusCode.Forbidden);
    }

    private static List<string?> Types(JsonElement flow) =>
        flow.GetProperty("timeline").EnumerateArray().Select(r => r.GetProperty("messageType").GetString()).ToList();

    private static async Task<JsonElement> WaitForFlowAsync(ShopUnderTest shop, Guid id, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            using var response = await shop.Operator.GetAsync(new Uri($"/flows/{id}", UriKind.Relative));
            if (response.StatusCode == HttpStatusCode.OK)
            {
                var flow = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (condition(flow))
                {
                    return flow;
                }

                if (DateTime.UtcNow > deadline)
                {
                    throw new TimeoutException($"The flow of order {id} is still {flow}.");
                }
            }
            else if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"GET /flows/{id} still answers {(int)response.StatusCode}.");
            }

            await Task.Delay(100);
        }
    }
}
