using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Shop.Contracts;
using Switchboard;
using Switchboard.Serialization;
using Switchboard.Interop;

namespace Shop.EndToEnd.Tests;

/// <summary>
/// Issue 18, CloudEvents over HTTP: a partner's system in Node.js (tests/Interop/cloudevents-http.mjs, the cloudevents
/// SDK's HTTP binding) posts order events to Shop's <c>/cloudevents</c> in binary and structured mode; Shop takes them
/// in as the orders' <c>OrderCreated</c> (202 with a Consistency-Token) and handles them, and refuses an invalid event,
/// an unknown type and a request that is not a CloudEvent with problem details.
/// </summary>
public sealed class CloudEventsHttpTests
{
    [Fact]
    public async Task A_Node_partner_posts_CloudEvents_over_HTTP_and_Shop_handles_them_or_says_why_not()
    {
        await using var shop = await ShopUnderTest.StartAsync();
        var serializer = shop.App.Services.GetRequiredService<IMessageSerializer>();
        var template = new OrderCreated(
            Guid.Empty, "partner-customer", "partner@example.com", [new OrderLine("SKU-0002", 1, 8.00m)], 8.00m, "EUR", "tok_visa",
            new ShippingAddress("Ada Lovelace", "1 Analytical Row", null, "London", "N1 7AA", "GB"), DateTimeOffset.UtcNow);

        var run = await NodeScript.RunAsync(
            "cloudevents-http.mjs",
            [new Uri(shop.Address, "/cloudevents").ToString(), shop.Tokens.ForOperator("partner"), Encoding.UTF8.GetString(serializer.Serialize(template, typeof(OrderCreated)).Span)],
            new Dictionary<string, string>(),
            TimeSpan.FromMinutes(2));

        Assert.True(run.ExitCode == 0, run.ToString());
        var requests = JsonDocument.Parse(run.Output).RootElement.GetProperty("requests").EnumerateArray().ToDictionary(r => r.GetProperty("what").GetString()!);
        Assert.Equal(400, requests["no source"].GetProperty("status").GetInt32());
        Assert.Contains("missing required attributes: source", requests["no source"].GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(400, requests["unknown type"].GetProperty("status").GetInt32());
        Assert.Contains("unknown event type 'partner.something-else.v1'", requests["unknown type"].GetProperty("body").GetString(), StringComparison.Ordinal);
        Assert.Equal(415, requests["plain json"].GetProperty("status").GetInt32());

        foreach (var mode in new[] { "binary", "structured" })
        {
            var accepted = requests[mode];
            Assert.True(accepted.GetProperty("status").GetInt32() == 202, accepted.ToString());
            var orderId = accepted.GetProperty("orderId").GetGuid();
            // The token names the published event: Notification's read given it has the order's notification at once.
            using var read = new HttpRequestMessage(HttpMethod.Get, "/customers/partner-customer/notifications");
            read.Headers.Add(ConsistencyToken.HeaderName, accepted.GetProperty("consistencyToken").GetString());
            using var answer = await shop.Operator.SendAsync(read);
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
            Assert.Equal("reached", Assert.Single(answer.Headers.GetValues("Consistency")));
            var notifications = await answer.Content.ReadFromJsonAsync<List<NotificationView>>(ShopUnderTest.Json);
            Assert.Contains(notifications!, n => n.OrderId == orderId && n.Kind == "order-created");
        }
    }
}
