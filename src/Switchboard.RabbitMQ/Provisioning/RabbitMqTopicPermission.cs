namespace Switchboard.RabbitMQ;

/// <summary>
/// A RabbitMQ topic permission: on the topic exchange <paramref name="Exchange"/>, the routing keys a user may publish
/// with (<paramref name="Write"/>) and bind with (<paramref name="Read"/>), as regular expressions.
/// </summary>
public sealed record RabbitMqTopicPermission(string Exchange, string Write, string Read);
