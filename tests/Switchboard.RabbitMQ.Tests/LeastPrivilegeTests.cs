using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ.Tests;

public sealed record PaymentRequested(int Number);

public sealed record ShipOrder(int Number);

public sealed class LeastPrivilegeLog
{
    public ConcurrentQueue<string> Entries { get; } = new();

    private int _failures;

    public int Failures => Volatile.Read(ref _failures);

    public void Failed() => Interlocked.Increment(ref _failures);
}

/// <summary>On every event: sends a command to another service's queue, schedules one, and fails negative numbers.</summary>
public sealed class PaymentRequestedHandler(LeastPrivilegeLog log) : IMessageHandler<PaymentRequested>
{
    public async ValueTask HandleAsync(PaymentRequested message, IMessageContext context, CancellationToken cancellationToken)
    {
        if (message.Number < 0)
        {
            log.Failed();
            throw new InvalidOperationException("declined");
        }

        await context.SendAsync(new ShipOrder(message.Number), SendOptions.To("orders"), cancellationToken);
        await context.SendAsync(new ShipOrder(-message.Number), new SendOptions { Destination = "orders", Delay = TimeSpan.FromMilliseconds(300) }, cancellationToken);
    }
}

public sealed class ShipOrderHandler(LeastPrivilegeLog log) : IMessageHandler<ShipOrder>
{
    public ValueTask HandleAsync(ShipOrder message, IMessageContext context, CancellationToken cancellationToken)
    {
        log.Entries.Enqueue($"ship:{message.Number}");
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A service whose user has exactly <see cref="RabbitMqPermissions.For"/>'s permissions, on a topology an administrator
/// provisioned (<see cref="RabbitMqProvisioner"/>), does everything a service does.
/// </summary>
public sealed class LeastPrivilegeTests : IAsyncLifetime
{
    private static readonly RabbitMqServiceAccess Payments = new(
        [new Switchboard.Transport.EndpointDeclaration("payments", ["tests.payment-requested.v1"])],
        Publishes: [],
        SendsTo: ["orders"]);

    private readonly string _vhost = "sb-perm-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _user = "payments-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _password = RabbitMqProvisioner.NewPassword();
    private readonly RabbitMqProvisioner _provisioner = new(TestBroker.ManagementUri);

    public async Task InitializeAsync()
    {
        await TestBroker.CreateVhostAsync(_vhost);
        await _provisioner.DeclareTopologyAsync(_vhost, [Payments]);
        await _provisioner.SetUserAsync(_vhost, _user, _password, RabbitMqPermissions.For(Payments));
    }

    public async Task DisposeAsync()
    {
        await _provisioner.DeleteUserAsync(_user);
        await TestBroker.DeleteVhostAsync(_vhost);
        _provisioner.Dispose();
    }

    [Fact]
    public async Task A_service_with_only_its_own_permissions_sends_schedules_retries_and_dead_letters()
    {
        var log = new LeastPrivilegeLog();
        using var orders = await StartAsync(log, new RabbitMqTransportOptions { Uri = TestBroker.UriFor(_vhost) }, bus => bus.Endpoint("orders", e => e.Handle<ShipOrder, ShipOrderHandler>()));
        using var payments = await StartAsync(log, new RabbitMqTransportOptions { Uri = TestBroker.UriFor(_vhost, _user, _password), DeclareTopology = false }, bus => bus.Endpoint("payments", e => e
            .Handle<PaymentRequested, PaymentRequestedHandler>()
            .Retry(new RetryPolicy { ImmediateRetries = 0, DelayedRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(100) })));

        var bus = orders.Services.GetRequiredService<IBus>();
        await bus.PublishAsync(new PaymentRequested(7));
        await bus.PublishAsync(new PaymentRequested(-1));

        var deadLetters = payments.Services.GetRequiredService<IDeadLetterQueue>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((log.Entries.Count < 2 || await deadLetters.CountAsync("payments") < 1) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(["ship:-7", "ship:7"], log.Entries.Order());
        Assert.Equal(2, log.Failures);
        var letter = Assert.Single(await deadLetters.ListAsync("payments"));
        Assert.Equal("retries exhausted", letter.Reason);

        // Re-driven through its own queue's exchange, the message fails again and comes back to the dead letters.
        Assert.True(await deadLetters.RedriveAsync("payments", letter.Id));
        deadline = DateTime.UtcNow.AddSeconds(60);
        while ((log.Failures < 4 || await deadLetters.CountAsync("payments") < 1) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.Equal(4, log.Failures);
        letter = Assert.Single(await deadLetters.ListAsync("payments"));
        Assert.True(await deadLetters.DeleteAsync("payments", letter.Id));
        await payments.StopAsync();
        await orders.StopAsync();
    }

    [Fact]
    public async Task A_least_privilege_user_that_would_declare_fails_the_start_with_a_clear_error()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(new LeastPrivilegeLog(), new RabbitMqTransportOptions { Uri = TestBroker.UriFor(_vhost, _user, _password) }, bus => bus.Endpoint("payments", e => e.Handle<PaymentRequested, PaymentRequestedHandler>())));
        Assert.Contains("DeclareTopology = false", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_that_was_not_provisioned_fails_the_start_with_its_name()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => StartAsync(new LeastPrivilegeLog(), new RabbitMqTransportOptions { Uri = TestBroker.UriFor(_vhost, _user, _password), DeclareTopology = false }, bus => bus.Endpoint("refunds", e => e.Handle<PaymentRequested, PaymentRequestedHandler>())));
        Assert.Contains("'refunds'", error.Message, StringComparison.Ordinal);
    }

    private static async Task<IHost> StartAsync(LeastPrivilegeLog log, RabbitMqTransportOptions transport, Action<SwitchboardBuilder> endpoints)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.Services.AddSingleton(log);
        builder.Services.AddSwitchboard(bus =>
        {
            bus.Message<PaymentRequested>("tests.payment-requested.v1").Message<ShipOrder>("tests.ship-order.v1").UseRabbitMq(transport);
            endpoints(bus);
        });
        var host = builder.Build();
        try
        {
            await host.StartAsync();
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return host;
    }
}
