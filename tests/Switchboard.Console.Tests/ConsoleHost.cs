using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.InMemory;
using Switchboard.Conformance.Harness;
using Switchboard.Conformance.Stores;
using Switchboard.Transport;

namespace Switchboard.Console.Tests;

/// <summary>
/// A web application with a bus on the in-memory transport and store, audited, and the console mounted without a
/// policy (loopback only): <c>orders</c> handles <see cref="TestCommand"/> and dead-letters those whose text holds
/// "fail"; <c>shipments</c> does too and is ordered (by the ordering key a send gives); <c>counters</c> runs <see cref="CounterSaga"/>, <c>timers</c> <see cref="TimerSaga"/>. A request with <see cref="RemoteHeader"/> looks as if it came
/// from that address. With <c>asyncApi</c>, it registers an AsyncAPI document and serves it at <c>/asyncapi.json</c>.
/// </summary>
internal sealed class ConsoleHost : IAsyncDisposable
{
    public const string Orders = "orders";
    public const string Shipments = "shipments";
    public const string Counters = "counters";
    public const string CounterSagaName = "counter";
    public const string Timers = "timers";
    public const string TimerSagaName = "timer";
    public const string RemoteHeader = "x-test-remote-address";

    private readonly WebApplication _app;

    private ConsoleHost(WebApplication app, HttpClient http)
    {
        _app = app;
        Http = http;
    }

    public HttpClient Http { get; }

    public IBus Bus => _app.Services.GetRequiredService<IBus>();

    public IDeadLetterQueue DeadLetters => _app.Services.GetRequiredService<IDeadLetterQueue>();

    public IOrderedTransport Transport => (IOrderedTransport)_app.Services.GetRequiredService<ITransport>();

    public static async Task<ConsoleHost> StartAsync(bool withStore = true, bool asyncApi = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddSingleton(new MessageRecorder());
        builder.Services.AddSingleton(new ConsumerName("console"));
        builder.Services.AddSingleton(new StoreProbe());
        builder.Services.AddSingleton(new HandlerBehavior
        {
            Before = (message, _, _) => message is TestCommand { Text: var text } && text.Contains("fail", StringComparison.Ordinal) ? throw new InvalidOperationException("declined: " + text) : ValueTask.CompletedTask,
        });
        builder.Services.AddSwitchboard(bus =>
        {
            bus.AddTestMessages().AddStoreTestMessages().UseInMemory(new InMemoryNetwork());
            bus.Endpoint(Orders, e => e.Handle<TestCommand, RecordingHandler>().Retry(RetryPolicy.None));
            bus.Endpoint(Shipments, e => e.Handle<TestCommand, RecordingHandler>().Retry(RetryPolicy.None).Ordered());
            if (withStore)
            {
                bus.UseInMemoryStore().UseAudit(o => o with { Service = "console-tests", MaxBodyBytes = 1024 });
                bus.Endpoint(Counters, e => e.Saga<CounterSaga, CounterState>(CounterSagaName, s => s.StartedBy<CountTick>(m => m.Key)));
                bus.Endpoint(Timers, e => e.Saga<TimerSaga, TimerState>(TimerSagaName, s => s.StartedBy<StartTimer>(m => m.Key).Handles<TimerElapsed>(m => m.Key)));
            }
        });
        if (asyncApi)
        {
            builder.Services.AddAsyncApi(new Switchboard.AsyncApi.AsyncApiInfo("Console tests", "1.0.0"));
        }

        var app = builder.Build();
        app.Use((context, next) =>
        {
            if (context.Request.Headers[RemoteHeader] is [{ } remote])
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(remote);
            }

            return next(context);
        });
        app.MapSwitchboardConsole();
        if (asyncApi)
        {
            app.MapAsyncApi();
        }

        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ConsoleHost(app, new HttpClient { BaseAddress = new Uri(address) });
    }

    /// <summary>
    /// A console host where shipments' keys k-1 and k-2 are each parked by a dead letter, with the third message (of
    /// k-1) waiting behind it; orders has one dead letter, with a key but on an endpoint that keeps no order.
    /// </summary>
    public static async Task<ConsoleHost> StartWithTwoParkedKeysAsync()
    {
        var host = await StartAsync();
        await host.Bus.SendAsync(new TestCommand(1, "fail"), new SendOptions { Destination = Shipments, OrderingKey = "k-1" });
        await host.Bus.SendAsync(new TestCommand(2, "fail"), new SendOptions { Destination = Shipments, OrderingKey = "k-2" });
        await host.WaitForDeadLettersAsync(2, Shipments);
        await host.Bus.SendAsync(new TestCommand(3, "ok"), new SendOptions { Destination = Shipments, OrderingKey = "k-1" });
        await host.Bus.SendAsync(new TestCommand(4, "fail"), new SendOptions { Destination = Orders, OrderingKey = "k-1" });
        await host.WaitForDeadLettersAsync(1);
        return host;
    }

    public async Task WaitForDeadLettersAsync(int count, string queue = Orders)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await DeadLetters.CountAsync(queue) < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"{count} dead letters in {queue}");
            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
