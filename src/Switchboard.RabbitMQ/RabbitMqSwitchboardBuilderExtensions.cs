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
        builder.UseTransport(_ => new RabbitMqTransport(options));
}
