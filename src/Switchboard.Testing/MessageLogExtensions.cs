namespace Switchboard.Testing;

/// <summary>Narrower views of the harness's logs.</summary>
public static class MessageLogExtensions
{
    /// <summary>The deliveries to <paramref name="endpoint"/> only.</summary>
    public static MessageLog<ConsumedMessage> At(this MessageLog<ConsumedMessage> log, string endpoint)
    {
        ArgumentNullException.ThrowIfNull(log);
        return log.Where(r => r.Endpoint == endpoint, $"{log.Name} at '{endpoint}'");
    }

    /// <summary>The messages sent to the queue (or published to the topic) <paramref name="destination"/> only.</summary>
    public static MessageLog<DispatchedMessage> To(this MessageLog<DispatchedMessage> log, string destination)
    {
        ArgumentNullException.ThrowIfNull(log);
        return log.Where(r => r.Destination == destination, $"{log.Name} to '{destination}'");
    }
}
