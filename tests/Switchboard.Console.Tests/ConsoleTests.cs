using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Switchboard.Conformance.Harness;
using Switchboard.Conformance.Stores;

namespace Switchboard.Console.Tests;

/// <summary>
/// The console on the in-memory transport and store: every page, what the backend cannot tell shown as unavailable,
/// hostile content encoded, a state saga found by key, loopback-only access without a policy, and confirmations.
/// </summary>
public sealed class ConsoleTests
{
    private static readonly string[] Pages = ["/switchboard", "/switchboard/dead-letters", "/switchboard/outbox", "/switchboard/sagas", "/switchboard/flows", "/switchboard/assets/console.css"];

    [Fact]
    public async Task Every_page_renders_and_counts_follow_what_the_endpoints_did()
    {
        await using var host = await ConsoleHost.StartAsync();
        await host.Bus.SendAsync(new TestCommand(1, "ok"), new SendOptions { Destination = ConsoleHost.Orders, CorrelationId = "c-1" });
        await host.Bus.SendAsync(new TestCommand(2, "fail"), new SendOptions { Destination = ConsoleHost.Orders, CorrelationId = "c-1" });
        await host.WaitForDeadLettersAsync(1);

        foreach (var page in Pages)
        {
            using var response = await host.Http.GetAsync(new Uri(page, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET {page}: {(int)response.StatusCode}");
        }

        var html = await host.Http.GetStringAsync(new Uri("/switchboard", UriKind.Relative));
        Assert.Contains("id=\"loopback-only\"", html, StringComparison.Ordinal);
        Assert.Contains("unavailable", html, StringComparison.Ordinal); // the in-memory transport counts no consumers

        JsonElement orders = default;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); ; await Task.Delay(20))
        {
            var endpoints = await host.Http.GetFromJsonAsync<JsonElement>(new Uri("/switchboard/api/endpoints", UriKind.Relative));
            orders = endpoints.EnumerateArray().Single(e => e.GetProperty("queue").GetString() == ConsoleHost.Orders);
            if (orders.GetProperty("counts").GetProperty("handled").GetInt64() == 1 || DateTime.UtcNow > deadline)
            {
                break;
            }
        }

        var counts = orders.GetProperty("counts");
        Assert.Equal(1, counts.GetProperty("handled").GetInt64());
        Assert.Equal(1, counts.GetProperty("deadLettered").GetInt64());
        Assert.Equal(1, counts.GetProperty("handledLastMinute").GetInt64());
        Assert.Equal(1, counts.GetProperty("failedAttempts").GetInt64());
        Assert.Equal(0, counts.GetProperty("inFlight").GetInt64());
        Assert.Equal(1, orders.GetProperty("deadLetters").GetInt64());
        Assert.Equal(JsonValueKind.Null, orders.GetProperty("consumers").ValueKind);
        Assert.Equal(0, orders.GetProperty("ready").GetInt64());

        // No event store here: the projections page and API say so instead of showing an empty table.
        using var projections = await host.Http.GetAsync(new Uri("/switchboard/api/projections", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, projections.StatusCode);
        using var projectionsPage = await host.Http.GetAsync(new Uri("/switchboard/projections", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, projectionsPage.StatusCode);
        Assert.Contains("EventSourcing is not configured", await projectionsPage.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The audit log is written in batches, after the messages were settled.
        var flow = "";
        for (var deadline = DateTime.UtcNow.AddSeconds(30); !flow.Contains("tag bad", StringComparison.Ordinal) && DateTime.UtcNow < deadline; await Task.Delay(20))
        {
            flow = await host.Http.GetStringAsync(new Uri("/switchboard/flows?id=c-1", UriKind.Relative));
        }

        Assert.Contains("dead-lettered", flow, StringComparison.Ordinal);
        Assert.Contains(TestMessageNames.Command, flow, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hostile_content_from_the_wire_is_shown_encoded()
    {
        await using var host = await ConsoleHost.StartAsync();
        const string script = "<script>alert('x')</script>";
        const string correlation = "\"><img src=x onerror=alert(1)>";
        await host.Bus.SendAsync(new TestCommand(1, "fail " + script), new SendOptions { Destination = ConsoleHost.Orders, CorrelationId = correlation });
        await host.WaitForDeadLettersAsync(1);
        var letter = Assert.Single(await host.DeadLetters.ListAsync(ConsoleHost.Orders));

        foreach (var path in new[] { "/switchboard/dead-letters", $"/switchboard/dead-letters/{ConsoleHost.Orders}/{Uri.EscapeDataString(letter.Id)}", $"/switchboard/flows?id={Uri.EscapeDataString(correlation)}" })
        {
            var html = "";
            for (var deadline = DateTime.UtcNow.AddSeconds(30); !html.Contains("&lt;script&gt;", StringComparison.Ordinal) && DateTime.UtcNow < deadline; await Task.Delay(20))
            {
                html = await host.Http.GetStringAsync(new Uri(path, UriKind.Relative)); // the flow's record is written in a batch
            }

            Assert.DoesNotContain(script, html, StringComparison.Ordinal);
            Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
            Assert.Contains("&lt;script&gt;", html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_saga_instance_is_found_by_key_with_its_state()
    {
        await using var host = await ConsoleHost.StartAsync();
        await host.Bus.SendAsync(new CountTick("k-1", 1), new SendOptions { Destination = ConsoleHost.Counters });
        await host.Bus.SendAsync(new CountTick("k-1", 2), new SendOptions { Destination = ConsoleHost.Counters });

        JsonElement instance = default;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(20))
        {
            using var response = await host.Http.GetAsync(new Uri($"/switchboard/api/sagas/{ConsoleHost.CounterSagaName}/k-1", UriKind.Relative));
            if (response.IsSuccessStatusCode)
            {
                instance = await response.Content.ReadFromJsonAsync<JsonElement>();
                if (instance.GetProperty("version").GetInt64() == 2)
                {
                    break;
                }
            }
        }

        Assert.Equal(2, instance.GetProperty("version").GetInt64());
        Assert.False(instance.GetProperty("completed").GetBoolean());
        Assert.Equal(2, JsonDocument.Parse(instance.GetProperty("state").GetString()!).RootElement.GetProperty("count").GetInt32());

        var sagas = await host.Http.GetFromJsonAsync<JsonElement>(new Uri("/switchboard/api/sagas", UriKind.Relative));
        Assert.Equal([ConsoleHost.CounterSagaName, ConsoleHost.TimerSagaName], sagas.EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        var saga = sagas.EnumerateArray().First();
        Assert.Equal(ConsoleHost.Counters, saga.GetProperty("endpoint").GetString());
        Assert.False(saga.GetProperty("eventSourced").GetBoolean());

        var html = await host.Http.GetStringAsync(new Uri($"/switchboard/sagas?saga={ConsoleHost.CounterSagaName}&key=k-1", UriKind.Relative));
        Assert.Contains("id=\"saga\"", html, StringComparison.Ordinal);
        Assert.Contains("&quot;count&quot;:2", html.Replace(" ", "", StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        using var missing = await host.Http.GetAsync(new Uri($"/switchboard/sagas?saga={ConsoleHost.CounterSagaName}&key=nobody", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task A_sagas_pending_timeout_is_listed_with_its_instance_and_another_instances_is_not()
    {
        await using var host = await ConsoleHost.StartAsync();
        await host.Bus.SendAsync(new StartTimer("t-1", (int)TimeSpan.FromHours(1).TotalMilliseconds, CompleteNow: false), new SendOptions { Destination = ConsoleHost.Timers });
        await host.Bus.SendAsync(new StartTimer("t-2", (int)TimeSpan.FromHours(2).TotalMilliseconds, CompleteNow: false), new SendOptions { Destination = ConsoleHost.Timers });

        JsonElement instance = default;
        for (var deadline = DateTime.UtcNow.AddSeconds(30); DateTime.UtcNow < deadline; await Task.Delay(20))
        {
            using var response = await host.Http.GetAsync(new Uri($"/switchboard/api/sagas/{ConsoleHost.TimerSagaName}/t-1", UriKind.Relative));
            instance = response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : default;
            if (instance.ValueKind == JsonValueKind.Object && instance.GetProperty("pendingTimeouts").GetArrayLength() == 1)
            {
                break;
            }
        }

        var timeout = Assert.Single(instance.GetProperty("pendingTimeouts").EnumerateArray());
        Assert.Equal(StoreTestMessageNames.TimerElapsed, timeout.GetProperty("messageType").GetString());
        Assert.InRange(timeout.GetProperty("dueAt").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(55), DateTimeOffset.UtcNow.AddMinutes(61));
        var html = await host.Http.GetStringAsync(new Uri($"/switchboard/sagas?saga={ConsoleHost.TimerSagaName}&key=t-1", UriKind.Relative));
        Assert.Contains("<table id=\"saga-timeouts\">", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_policy_only_requests_from_this_machine_are_answered()
    {
        await using var host = await ConsoleHost.StartAsync();
        foreach (var path in new[] { "/switchboard", "/switchboard/api/endpoints" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { { ConsoleHost.RemoteHeader, "10.1.2.3" } } };
            using var response = await host.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
            Assert.Contains("loopback", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using var mapped = new HttpRequestMessage(HttpMethod.Get, "/switchboard/api/endpoints") { Headers = { { ConsoleHost.RemoteHeader, "::ffff:127.0.0.1" } } };
        Assert.Equal(HttpStatusCode.OK, (await host.Http.SendAsync(mapped)).StatusCode);
    }

    [Fact]
    public async Task A_purge_from_the_page_asks_then_wants_the_endpoints_name_and_refuses_other_sites()
    {
        await using var host = await ConsoleHost.StartAsync();
        await host.Bus.SendAsync(new TestCommand(1, "fail"), new SendOptions { Destination = ConsoleHost.Orders });
        await host.Bus.SendAsync(new TestCommand(2, "fail"), new SendOptions { Destination = ConsoleHost.Orders });
        await host.WaitForDeadLettersAsync(2);
        var purge = new Uri($"/switchboard/dead-letters/{ConsoleHost.Orders}/purge", UriKind.Relative);

        using (var asked = await host.Http.PostAsync(purge, new FormUrlEncodedContent([])))
        {
            Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
            var html = await asked.Content.ReadAsStringAsync();
            Assert.Contains("id=\"confirm\"", html, StringComparison.Ordinal);
            Assert.Contains("name=\"confirm\"", html, StringComparison.Ordinal);
        }

        using (var wrong = await host.Http.PostAsync(purge, new FormUrlEncodedContent([new("confirmed", "yes"), new("confirm", "payments")])))
        {
            Assert.Equal(HttpStatusCode.BadRequest, wrong.StatusCode);
            Assert.Contains("role=\"alert\"", await wrong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var crossSite = new HttpRequestMessage(HttpMethod.Post, purge) { Content = new FormUrlEncodedContent([new("confirmed", "yes"), new("confirm", ConsoleHost.Orders)]) })
        {
            crossSite.Headers.Add("Origin", "http://evil.example");
            Assert.Equal(HttpStatusCode.Forbidden, (await host.Http.SendAsync(crossSite)).StatusCode);
        }

        using (var json = await host.Http.PostAsync(purge, JsonContent.Create(new { confirmed = "yes", confirm = ConsoleHost.Orders })))
        {
            Assert.Equal(HttpStatusCode.UnsupportedMediaType, json.StatusCode);
        }

        Assert.Equal(2, await host.DeadLetters.CountAsync(ConsoleHost.Orders));

        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = host.Http.BaseAddress };
        using var done = await client.PostAsync(purge, new FormUrlEncodedContent([new("confirmed", "yes"), new("confirm", ConsoleHost.Orders)]));
        Assert.Equal(HttpStatusCode.Redirect, done.StatusCode);
        Assert.Contains("2%20dead%20letter", done.Headers.Location!.OriginalString, StringComparison.Ordinal);
        Assert.Equal(0, await host.DeadLetters.CountAsync(ConsoleHost.Orders));
    }

    [Fact]
    public async Task A_selection_is_redriven_from_the_page_after_a_confirmation_and_one_without_asking()
    {
        await using var host = await ConsoleHost.StartAsync();
        for (var i = 1; i <= 3; i++)
        {
            await host.Bus.SendAsync(new TestCommand(i, "fail"), new SendOptions { Destination = ConsoleHost.Orders });
        }

        await host.WaitForDeadLettersAsync(3);
        var letters = await host.DeadLetters.ListAsync(ConsoleHost.Orders);
        var redrive = new Uri($"/switchboard/dead-letters/{ConsoleHost.Orders}/redrive", UriKind.Relative);
        using var handler = new HttpClientHandler { AllowAutoRedirect = false };
        using var client = new HttpClient(handler) { BaseAddress = host.Http.BaseAddress };

        // Two selected: the page asks first, carrying the selection, and nothing moves until it is confirmed.
        using (var asked = await client.PostAsync(redrive, new FormUrlEncodedContent([new("id", letters[0].Id), new("id", letters[1].Id)])))
        {
            Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
            var html = await asked.Content.ReadAsStringAsync();
            Assert.Contains("2 dead letters of orders", html, StringComparison.Ordinal);
            Assert.Contains($"value=\"{letters[1].Id}\"", html, StringComparison.Ordinal);
        }

        Assert.Equal(3, await host.DeadLetters.CountAsync(ConsoleHost.Orders));
        using (var confirmed = await client.PostAsync(redrive, new FormUrlEncodedContent([new("id", letters[0].Id), new("id", letters[1].Id), new("confirmed", "yes")])))
        {
            Assert.Equal(HttpStatusCode.Redirect, confirmed.StatusCode);
        }

        // They fail again (the handler still refuses them) and come back; meanwhile the third was never touched.
        await host.WaitForDeadLettersAsync(3);
        Assert.Contains(letters[2].Id, (await host.DeadLetters.ListAsync(ConsoleHost.Orders)).Select(l => l.Id));

        // One, from its own page: no question asked.
        using var one = await client.PostAsync(redrive, new FormUrlEncodedContent([new("id", letters[2].Id)]));
        Assert.Equal(HttpStatusCode.Redirect, one.StatusCode);
        Assert.Contains("1%20dead%20letter", one.Headers.Location!.OriginalString, StringComparison.Ordinal);

        using var none = await client.PostAsync(redrive, new FormUrlEncodedContent([]));
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);
    }

    [Fact]
    public async Task Without_a_store_the_outbox_and_the_flows_say_they_are_not_there()
    {
        await using var host = await ConsoleHost.StartAsync(withStore: false);
        foreach (var path in new[] { "/switchboard/api/outbox", "/switchboard/api/flows/c-1", "/switchboard/outbox", "/switchboard/flows?id=c-1" })
        {
            using var response = await host.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"GET {path}: {(int)response.StatusCode}");
        }

        Assert.Contains("runs no saga", await host.Http.GetStringAsync(new Uri("/switchboard/sagas", UriKind.Relative)), StringComparison.Ordinal);
    }
}
