namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary>The name of the instance (one host standing for one process) a handler runs in.</summary>
public sealed record InstanceName(string Value);
