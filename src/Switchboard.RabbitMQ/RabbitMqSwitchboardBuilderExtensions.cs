using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Switchboard.RabbitMQ;

namespace Switchboard.Configuration;

/// <summary>Selects the RabbitMQ transport.</summary>
public static class RabbitMqSwitchboardBuilderExtensions
{
    /// <summary>Uses the broker at <paramref name="uri"/> (credentials and vhost included) with default settings.</summary>
    public static SwitchboardBuilder UseRabbitMq(this SwitchboardBuilder builder, Uri uri) =>
        builder.UseRabbitMq(new RabbitMqTransportOptions { Uri = uri });

    /// <summary>Uses RabbitMQ as the broker.</summary>
    public static SwitchboardBuilder UseRabbitMq(this SwitchboardBuilder builder, RabbitMqTransportOptions options) =>
        builder.UseTransport(services => new RabbitMqTransport(options, services.GetService<ILoggerFactory>()));

    /// <summary>
    /// Uses RabbitMQ as the broker, with the settings bound from <paramref name="section"/> (e.g.
    /// <c>{ "Uri": "amqp://orders:secret@rabbit:5672/shop", "QueueType": "Quorum" }</c>), checked when the host
    /// starts: a missing URI, a value out of range or a key that is no setting fails the start, naming the key.
    /// </summary>
    public static SwitchboardBuilder UseRabbitMq(this SwitchboardBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<RabbitMqTransportOptions>(section, RabbitMqTransportOptions.Check);
        return builder.UseTransport(services => new RabbitMqTransport(services.GetRequiredService<IOptions<RabbitMqTransportOptions>>().Value, services.GetService<ILoggerFactory>()));
    }
}
