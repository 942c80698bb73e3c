using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Switchboard.Configuration;

namespace Switchboard.RabbitMQ.Tests;

/// <summary><c>UseRabbitMq(section)</c>: the transport's settings come from configuration and are checked when the host starts.</summary>
public sealed class ConfigurationTests : IAsyncLifetime
{
    private readonly string _vhost = "sb-configured-" + Guid.NewGuid().ToString("N")[..8];

    public Task InitializeAsync() => TestBroker.CreateVhostAsync(_vhost);

    public Task DisposeAsync() => TestBroker.DeleteVhostAsync(_vhost);

    [Fact]
    public async Task A_bus_configured_from_a_section_handles_messages_with_those_settings()
    {
        var handled = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = Build(new()
        {
            ["Switchboard:RabbitMq:Uri"] = TestBroker.UriFor(_vhost).ToString(),
            ["Switchboard:RabbitMq:QueueType"] = "Classic",
            ["Switchboard:RabbitMq:ConnectionName"] = "configured-test",
        }, handled);

        await host.StartAsync();
        await host.Services.GetRequiredService<IBus>().SendAsync(new Ping(7));

        Assert.Equal(7, await handled.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(RabbitMqQueueType.Classic, host.Services.GetRequiredService<IOptions<RabbitMqTransportOptions>>().Value.QueueType);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("Heartbeat", "00:00:00", "Switchboard:RabbitMq:Heartbeat must be longer than zero (was 00:00:00).")]
    [InlineData("PublishChannels", "0", "Switchboard:RabbitMq:PublishChannels must be at least 1 (was 0).")]
    [InlineData("Partitions", "12", "Switchboard:RabbitMq:Partitions must be a power of two from 1 to 256 (was 12).")]
    [InlineData("Partitions", "512", "Switchboard:RabbitMq:Partitions must be a power of two from 1 to 256 (was 512).")]
    [InlineData("QueueType", "Durable", "Switchboard:RabbitMq:QueueType")]
    [InlineData("Uri", "http://guest:secret@localhost/", "Switchboard:RabbitMq:Uri must be an amqp:// or amqps:// URI (was http://…).")]
    [InlineData("Uri", null, "Switchboard:RabbitMq:Uri is required.")]
    public async Task Wrong_settings_fail_the_start_naming_the_key_and_never_its_password(string key, string? value, string expected)
    {
        var values = new Dictionary<string, string?> { ["Switchboard:RabbitMq:Uri"] = TestBroker.UriFor(_vhost).ToString() };
        values["Switchboard:RabbitMq:" + key] = value;
        using var host = Build(values, new());

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", error.Message, StringComparison.Ordinal);
    }

    private static IHost Build(Dictionary<string, string?> values, TaskCompletionSource<int> handled)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(values);
        builder.Services.AddSingleton(handled);
        builder.Services.AddSwitchboard(builder.Configuration.GetSection("Switchboard"), bus => bus
            .UseRabbitMq(builder.Configuration.GetSection("Switchboard:RabbitMq"))
            .Message<Ping>("tests.configured.ping.v1")
            .Route<Ping>("configured")
            .Endpoint("configured", e => e.Handle<Ping, PingHandler>()));
        return builder.Build();
    }

    public sealed record Ping(int N);

    private sealed class PingHandler(TaskCompletionSource<int> handled) : IMessageHandler<Ping>
    {
        public ValueTask HandleAsync(Ping message, IMessageContext context, CancellationToken cancellationToken)
        {
            handled.TrySetResult(message.N);
            return ValueTask.CompletedTask;
        }
    }
}
