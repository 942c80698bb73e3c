using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Switchboard.Configuration;
using Switchboard.InMemory;
using Switchboard.Persistence;

namespace Switchboard.Tests.Configuration;

public sealed class ConfigurationBindingTests
{
    private sealed record Ping(int N);

    private sealed class PingHandler : IMessageHandler<Ping>
    {
        public ValueTask HandleAsync(Ping message, IMessageContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    [Fact]
    public void Endpoint_settings_from_configuration_apply_over_the_code_and_keep_what_they_do_not_name()
    {
        var bus = Configure(new()
        {
            ["Switchboard:EndpointDefaults:Prefetch"] = "16",
            ["Switchboard:Endpoints:orders:Concurrency"] = "8",
            ["Switchboard:Endpoints:orders:Retry:ImmediateRetries"] = "0",
            ["Switchboard:Endpoints:orders:Retry:BaseDelay"] = "00:00:02",
        });

        var orders = bus.Endpoints.Single(e => e.Queue == "orders").Options;
        Assert.Equal(8, orders.Concurrency);
        Assert.Equal(16, orders.Prefetch);
        Assert.Equal(0, orders.Retry.ImmediateRetries);
        Assert.Equal(TimeSpan.FromSeconds(2), orders.Retry.BaseDelay);
        Assert.Equal(new RetryPolicy().DelayedRetries, orders.Retry.DelayedRetries);
        Assert.Equal(32, orders.PendingSettlements); // the code's value: the configuration does not name it

        var payments = bus.Endpoints.Single(e => e.Queue == "payments").Options;
        Assert.Equal(16, payments.Prefetch);
        Assert.Equal(2, payments.Concurrency); // the code's value
        Assert.Equal(RetryPolicy.None, payments.Retry);
    }

    [Fact]
    public void An_endpoint_setting_beats_the_defaults_and_a_shared_policy_is_never_changed_in_place()
    {
        var bus = Configure(new()
        {
            ["Switchboard:EndpointDefaults:Concurrency"] = "3",
            ["Switchboard:Endpoints:payments:Concurrency"] = "5",
            ["Switchboard:Endpoints:payments:Retry:DelayedRetries"] = "7",
        });

        var payments = bus.Endpoints.Single(e => e.Queue == "payments").Options;
        Assert.Equal(5, payments.Concurrency);
        Assert.Equal(7, payments.Retry.DelayedRetries);
        Assert.Equal(0, RetryPolicy.None.DelayedRetries);
        Assert.Equal(3, bus.Endpoints.Single(e => e.Queue == "orders").Options.Concurrency);
    }

    [Fact]
    public void Bus_and_store_settings_come_from_their_sections()
    {
        var services = new ServiceCollection();
        var bus = Configure(new()
        {
            ["Switchboard:Bus:ShutdownTimeout"] = "00:00:05",
            ["Switchboard:Bus:MaxBodyBytes"] = "4096",
            ["Switchboard:Store:RelayBatch"] = "25",
            ["Switchboard:Health:DeadLettersUnhealthy"] = "50",
        }, services, store: true);

        Assert.Equal(TimeSpan.FromSeconds(5), bus.Options.ShutdownTimeout);
        Assert.Equal(4096, bus.Options.MaxBodyBytes);
        using var provider = services.BuildServiceProvider();
        Assert.Equal(25, provider.GetRequiredService<StoreOptions>().RelayBatch);
        Assert.Equal(TimeSpan.FromSeconds(1), provider.GetRequiredService<StoreOptions>().RelayInterval);
        Assert.Equal(50, provider.GetRequiredService<SwitchboardHealthOptions>().DeadLettersUnhealthy);
    }

    [Theory]
    [InlineData("Switchboard:Endpoints:ordres:Concurrency", "8", "Switchboard:Endpoints:ordres names no endpoint of this bus (its endpoints: orders, payments).")]
    [InlineData("Switchboard:Endpoints:orders:Concurency", "8", "Switchboard:Endpoints:orders:Concurency is not a setting here")]
    [InlineData("Switchboard:Endpoints:orders:Transactional:Inbox", "false", "Switchboard:Endpoints:orders:Transactional is not a setting here")]
    [InlineData("Switchboard:Endpoints:orders:Concurrency", "0", "Switchboard:Endpoints:orders:Concurrency must be at least 1 (was 0).")]
    [InlineData("Switchboard:Endpoints:orders:Concurrency", "many", "Switchboard:Endpoints:orders:Concurrency")]
    [InlineData("Switchboard:Endpoints:orders:Retry:Jitter", "2", "Switchboard:Endpoints:orders:Retry:Jitter must be between 0 and 1 (was 2).")]
    [InlineData("Switchboard:Endpoints:orders:Retry:MaxDelay", "00:00:00.5", "Switchboard:Endpoints:orders:Retry:MaxDelay must be at least Switchboard:Endpoints:orders:Retry:BaseDelay (00:00:01)")]
    [InlineData("Switchboard:EndpointDefaults:Prefetch", "-1", "Switchboard:EndpointDefaults:Prefetch must be at least 1 (was -1).")]
    [InlineData("Switchboard:Bus:ShutdownTimout", "00:00:05", "ShutdownTimout")]
    [InlineData("Switchboard:Bus:StartRetryDelay", "00:00:00", "Switchboard:Bus:StartRetryDelay must be longer than zero (was 00:00:00).")]
    [InlineData("Switchboard:Health:DeadLettersDegraded", "0", "Switchboard:Health:DeadLettersDegraded")]
    public void A_wrong_key_or_value_fails_with_a_message_that_names_it(string key, string value, string expected)
    {
        var error = Assert.Throws<OptionsValidationException>(() => Configure(new() { [key] = value }));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_store_section_without_a_store_is_an_error()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Configure(new() { ["Switchboard:Store:RelayBatch"] = "5" }));

        Assert.Contains("Switchboard:Store configures the store, and the bus has none", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_configuration_the_code_alone_decides()
    {
        var services = new ServiceCollection();
        services.AddSwitchboard(null, bus => Endpoints(bus.UseInMemory(new InMemoryNetwork())));
        var bus = services.BuildServiceProvider().GetRequiredService<BusConfiguration>();

        Assert.Equal(2, bus.Endpoints.Single(e => e.Queue == "payments").Options.Concurrency);
    }

    private static BusConfiguration Configure(Dictionary<string, string?> values, ServiceCollection? services = null, bool store = false)
    {
        services ??= new ServiceCollection();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        services.AddSwitchboard(configuration.GetSection("Switchboard"), bus =>
        {
            bus.UseInMemory(new InMemoryNetwork());
            if (store)
            {
                bus.UseInMemoryStore();
            }

            Endpoints(bus);
        });
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<BusConfiguration>();
    }

    private static SwitchboardBuilder Endpoints(SwitchboardBuilder bus) => bus
        .Message<Ping>("tests.ping.v1")
        .Endpoint("orders", e => e.Handle<Ping, PingHandler>().PendingSettlements(32))
        .Endpoint("payments", e => e.Handle<Ping, PingHandler>(subscribe: false).Concurrency(2).Retry(RetryPolicy.None));
}
