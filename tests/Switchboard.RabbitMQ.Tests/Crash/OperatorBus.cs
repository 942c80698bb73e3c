using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.Transport;
using CrashHostMessage = Switchboard.Sqlite.CrashHost.Numbered;

namespace Switchboard.RabbitMQ.Tests.Crash;

/// <summary>
/// The test's own bus on the crash hosts' vhost, with no endpoint: it sends numbers keyed as the crash host's producer
/// keys them (number N's key is N % keys), and does what an operator's tool does with an ordered endpoint: lists its
/// parked keys and dead letters and re-drives them.
/// </summary>
public sealed class OperatorBus : IAsyncDisposable
{
    private readonly IHost _host;
    private readonly string _queue;

    private OperatorBus(IHost host, string queue)
    {
        _host = host;
        _queue = queue;
    }

    public IDeadLetterQueue DeadLetters => _host.Services.GetRequiredService<IDeadLetterQueue>();

    public static async Task<OperatorBus> StartAsync(Uri vhost, string queue, int keys)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.Services.AddSwitchboard(bus => bus
            .Message<CrashHostMessage>(CrashHostMessage.Name)
            .OrderingKey<CrashHostMessage>(n => n.Number % keys)
            .UseRabbitMq(new RabbitMqTransportOptions { Uri = vhost }));
        var host = builder.Build();
        await host.StartAsync();
        return new OperatorBus(host, queue);
    }

    /// <summary>Sends the numbers together; a key's messages must go out one after another, so give one number per key.</summary>
    public Task SendAsync(IEnumerable<int> numbers)
    {
        var bus = _host.Services.GetRequiredService<IBus>();
        return Task.WhenAll(numbers.Select(n => bus.SendAsync(_queue, new CrashHostMessage(n)).AsTask()));
    }

    public ValueTask<IReadOnlyList<ParkedKey>> ParkedKeysAsync() =>
        ((IOrderedTransport)_host.Services.GetRequiredService<ITransport>()).ListParkedKeysAsync(_queue);

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
