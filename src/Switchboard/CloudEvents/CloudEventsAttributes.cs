using CloudNative.CloudEvents;

namespace Switchboard.CloudEvents;

/// <summary>The extension attributes Switchboard writes and reads, as the CloudEvents SDK describes them.</summary>
internal static class CloudEventsAttributes
{
    public static CloudEventAttribute TraceParent { get; } = CloudEventAttribute.CreateExtension("traceparent", CloudEventAttributeType.String);

    public static CloudEventAttribute CorrelationId { get; } = CloudEventAttribute.CreateExtension("correlationid", CloudEventAttributeType.String);

    public static CloudEventAttribute CausationId { get; } = CloudEventAttribute.CreateExtension("causationid", CloudEventAttributeType.String);

    public static CloudEventAttribute PartitionKey { get; } = CloudEventAttribute.CreateExtension("partitionkey", CloudEventAttributeType.String);

    public static IReadOnlyList<CloudEventAttribute> Extensions { get; } = [TraceParent, CorrelationId, CausationId, PartitionKey];
}
