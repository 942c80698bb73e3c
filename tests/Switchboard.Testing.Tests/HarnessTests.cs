using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sample.App;
using Switchboard.Auditing;
using Switchboard.Configuration;

namespace Switchboard.Testing.Tests;

public sealed class HarnessTests
{
    [Fact]
    public async Task A_handler_s_publication_is_recorded_and_consumed_by_its_subscriber()
    {
        await using var harness = await SwitchboardTestHarness.StartAsync(bus => bus.AddSampleShop());
        var orderId = Guid.NewGuid();

        await harness.Bus.SendAsync(new PlaceOrder(orderId, "ada", 42m));

        var published = await harness.Published.AnyAsync<OrderPlaced>(e => e.OrderId == orderId);
        Assert.Equal(42m, published.As<OrderPlaced>().Amount);
        Assert.Equal("sample.order-placed.v1", published.Destination);
        var billed = await harness.Consumed.At("billing").AnyAsync<OrderPlaced>(e => e.OrderId == orderId);
        Assert.Equal(AuditOutcome.Handled, billed.Outcome);
        Assert.Equal(42m, harness.Services.GetRequiredService<InvoiceBook>().Find(orderId));
        var sent = Assert.Single(harness.Sent.Select<PlaceOrder>());
        Assert.Equal("orders", sent.Destination);
        Assert.Equal(sent.MessageId, published.CausationId);
    }

    [Fact]
    public async Task A_failed_expectation_says_what_was_expected_and_what_was_seen_as_soon_as_the_bus_is_idle()
    {
        await using var harness = await SwitchboardTestHarness.StartAsync(bus => bus.AddSampleShop(), options: new SwitchboardTestHarnessOptions { Timeout = TimeSpan.FromSeconds(30) });
        await harness.Bus.SendAsync(new PlaceOrder(Guid.NewGuid(), "ada", 42m));

        var clock = Stopwatch.StartNew();
        var failure = await Assert.ThrowsAsync<HarnessAssertionException>(() => harness.Published.AnyAsync<OrderCancelled>());

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}: it should end at idle, not at the timeout");
        Assert.Contains("Expected a published OrderCancelled (sample.order-cancelled.v1)", failure.Message);
        Assert.Contains("the bus became idle without it", failure.Message);
        Assert.Contains("Published so far (1):", failure.Message);
        Assert.Contains("sample.order-placed.v1", failure.Message);
        // The saga's pending timeout is named, with the way to make it due.
        Assert.Contains("sample.payment-deadline.v1", failure.Message);
        Assert.Contains("AdvanceTimeAsync", failure.Message);
    }

    [Fact]
    public async Task A_condition_that_is_never_met_fails_with_the_condition_in_the_message()
    {
        await using var harness = await SwitchboardTestHarness.StartAsync(bus => bus.AddSampleShop());
        await harness.Bus.SendAsync(new PlaceOrder(Guid.NewGuid(), "ada", 42m));

        var failure = await Assert.ThrowsAsync<HarnessAssertionException>(() => harness.Consumed.At("billing").AnyAsync<OrderPlaced>(e => e.Amount == 1m));

        Assert.Contains("Expected a consumed at 'billing' OrderPlaced (sample.order-placed.v1) matching the condition", failure.Message);
        Assert.Contains("at 'billing': handled", failure.Message);
    }

    [Fact]
    public async Task Advancing_the_clock_fires_a_saga_timeout()
    {
        await using var harness = await SwitchboardTestHarness.StartAsync(bus => bus.AddSampleShop());
        var orderId = Guid.NewGuid();
        await harness.Bus.SendAsync(new PlaceOrder(orderId, "ada", 42m));
        var started = await harness.SagaAsync<PaymentState>(orderId.ToString());
        var timeout = Assert.Single(started.PendingTimeouts);
        Assert.Equal(harness.Time!.GetUtcNow() + PaymentSaga.TimeToPay, timeout.DueAt);

        await harness.AdvanceTimeAsync(TimeSpan.FromMinutes(29));
        await harness.Published.NoneAsync<OrderCancelled>();

        await harness.AdvanceTimeAsync(TimeSpan.FromMinutes(1));
        var cancelled = await harness.Published.AnyAsync<OrderCancelled>(e => e.OrderId == orderId);
        Assert.Equal("not paid in time", cancelled.As<OrderCancelled>().Reason);
        var saga = await harness.SagaAsync<PaymentState>(orderId.ToString(), s => s.Completed);
        Assert.True(saga.State.Cancelled);
        Assert.Empty(saga.PendingTimeouts);
    }

    [Fact]
    public async Task A_paid_order_s_saga_completes_and_its_timeout_cancels_nothing()
    {
        await using var harness = await SwitchboardTestHarness.StartAsync(bus => bus.AddSampleShop());
        var orderId = Guid.NewGuid();
        await harness.Bus.SendAsync(new PlaceOrder(orderId, "ada", 42m));
        await harness.SagaAsync<PaymentState>(orderId.ToString());

        await harness.Bus.PublishAsync(new PaymentReceived(orderId, 42m));
        var saga = await harness.SagaAsync<PaymentState>(orderId.ToString(), s => s.Completed);
        Assert.True(saga.State.Paid);

        await harness.AdvanceTimeAsync(PaymentSaga.TimeToPay);
        await harness.Consumed.At("payments").AnyAsync<PaymentDeadline>(d => d.OrderId == orderId);
        await harness.Published.NoneAsync<OrderCancelled>();
    }

    [Fact]
    public async Task Waiting_for_idle_returns_once_everything_sent_was_handled()
    {
        await using var harness = await SwitchboardTestHarness.StartAsync(bus => bus.AddSampleShop());
        for (var i = 0; i < 50; i++)
        {
            await harness.Bus.SendAsync(new PlaceOrder(Guid.NewGuid(), "ada", i + 1));
        }

        await harness.WaitForIdleAsync();

        Assert.Equal(50, harness.Handled.At("orders").Count);
        Assert.Equal(50, harness.Handled.At("billing").Count);
        Assert.Equal(50, harness.Handled.At("payments").Count);
    }

    [Fact]
    public async Task A_permanent_failure_is_captured_as_a_dead_letter_with_its_reason()
    {
        await using var harness = await SwitchboardTestHarness.StartAsync(bus => bus.AddSampleShop());
        var orderId = Guid.NewGuid();

        await harness.Bus.SendAsync(new PlaceOrder(orderId, "ada", 0m));

        var dead = await harness.DeadLettered.AnyAsync<PlaceOrder>(c => c.OrderId == orderId);
        Assert.Equal("orders", dead.Endpoint);
        Assert.Equal("permanent failure", dead.DeadLetterReason!.Reason);
        Assert.Equal(typeof(InvalidOrderException).FullName, dead.DeadLetterReason.ExceptionType);
        Assert.Contains("InvalidOrderException", dead.Reason);
        await harness.Published.NoneAsync<OrderPlaced>();
    }

    [Fact]
    public async Task Delayed_retries_wait_for_the_clock_and_then_dead_letter()
    {
        await using var harness = await SwitchboardTestHarness.StartAsync(bus => bus
            .Message<Ping>("test.ping.v1")
            .Endpoint("flaky", e => e.Handle<Ping, AlwaysFails>()));

        await harness.Bus.SendAsync(new Ping(1), SendOptions.To("flaky"));
        var failed = await harness.Failed.AnyAsync<Ping>();
        Assert.Contains("always fails", failed.Reason);
        await harness.DeadLettered.NoneAsync<Ping>();

        await harness.AdvanceTimeAsync(TimeSpan.FromMinutes(5));

        var dead = await harness.DeadLettered.AnyAsync<Ping>();
        Assert.Equal("retries exhausted", dead.DeadLetterReason!.Reason);
        Assert.Equal(3, harness.Failed.Count);
        Assert.Equal(12, dead.DeadLetterReason.Attempts);
    }

    [Fact]
    public async Task A_send_to_a_queue_no_endpoint_of_the_bus_consumes_is_recorded_and_kept()
    {
        await using var harness = await SwitchboardTestHarness.StartAsync(bus => bus
            .Message<Ping>("test.ping.v1")
            .Endpoint("relay", e => e.Handle<Ping, Forward>()));

        await harness.Bus.SendAsync(new Ping(7), SendOptions.To("relay"));

        var forwarded = await harness.Sent.To("elsewhere").AnyAsync<Ping>(p => p.Number == 8);
        Assert.Equal("relay", harness.Consumed.All.Single().Endpoint);
        Assert.NotNull(forwarded.CausationId);
        await harness.WaitForIdleAsync();
    }

    [Fact]
    public async Task Counting_waits_for_enough_and_fails_with_how_many_there_are()
    {
        await using var harness = await SwitchboardTestHarness.StartAsync(bus => bus.AddSampleShop());
        await harness.Bus.SendAsync(new PlaceOrder(Guid.NewGuid(), "ada", 1m));
        await harness.Bus.SendAsync(new PlaceOrder(Guid.NewGuid(), "bob", 2m));

        Assert.Equal(2, (await harness.Published.CountAsync<OrderPlaced>(2)).Count);
        var failure = await Assert.ThrowsAsync<HarnessAssertionException>(() => harness.Published.CountAsync<OrderPlaced>(3));
        Assert.Contains("Expected 3 published OrderPlaced (sample.order-placed.v1) (there are 2)", failure.Message);
    }

    [Fact]
    public async Task A_saga_that_never_matches_fails_with_its_last_state()
    {
        await using var harness = await SwitchboardTestHarness.StartAsync(bus => bus.AddSampleShop());
        var orderId = Guid.NewGuid();
        await harness.Bus.SendAsync(new PlaceOrder(orderId, "ada", 42m));

        var failure = await Assert.ThrowsAsync<HarnessAssertionException>(() => harness.SagaAsync<PaymentState>(orderId.ToString(), s => s.State.Paid));

        Assert.Contains($"Expected the PaymentState saga '{orderId}' to match the condition; the bus became idle without it", failure.Message);
        Assert.Contains("it is at version 1, not completed, with 1 pending timeout(s) and the state {", failure.Message);
        Assert.Contains("\"paid\":false", failure.Message, StringComparison.OrdinalIgnoreCase);
        Assert.Null(await harness.FindSagaAsync<PaymentState>(Guid.NewGuid().ToString()));
        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.FindSagaAsync<Ping>("x"));
    }

    [Fact]
    public async Task The_harness_can_run_in_a_host_of_the_test_s_own()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSwitchboardTestHarness(bus => bus.AddSampleShop());
        using var host = builder.Build();
        await host.StartAsync();
        var harness = host.Services.GetRequiredService<SwitchboardTestHarness>();
        await harness.WaitForStartAsync();

        await harness.Bus.SendAsync(new PlaceOrder(Guid.NewGuid(), "ada", 3m));
        await harness.Handled.At("billing").AnyAsync<OrderPlaced>();

        await host.StopAsync();
    }

    [Fact]
    public async Task Without_a_fake_clock_time_cannot_be_advanced()
    {
        await using var harness = await SwitchboardTestHarness.StartAsync(bus => bus.AddSampleShop(), options: new SwitchboardTestHarnessOptions { UseFakeTime = false });
        Assert.Null(harness.Time);
        await Assert.ThrowsAsync<InvalidOperationException>(() => harness.AdvanceTimeAsync(TimeSpan.FromSeconds(1)));
    }

    public sealed record Ping(int Number);

    public sealed class AlwaysFails : IMessageHandler<Ping>
    {
        public ValueTask HandleAsync(Ping message, IMessageContext context, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("always fails");
    }

    public sealed class Forward : IMessageHandler<Ping>
    {
        public ValueTask HandleAsync(Ping message, IMessageContext context, CancellationToken cancellationToken) =>
            context.SendAsync(new Ping(message.Number + 1), SendOptions.To("elsewhere"), cancellationToken);
    }
}
