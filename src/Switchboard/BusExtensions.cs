namespace Switchboard;

/// <summary>Shorthands over <see cref="IBus"/>.</summary>
public static class BusExtensions
{
    /// <summary>Sends a command to the named endpoint.</summary>
    public static ValueTask SendAsync<TMessage>(this IBus bus, string destination, TMessage message, CancellationToken cancellationToken = default)
        where TMessage : notnull =>
        bus.SendAsync(message, SendOptions.To(destination), cancellationToken);

    /// <summary>Schedules a command to be delivered after a delay.</summary>
    public static ValueTask ScheduleSendAsync<TMessage>(this IBus bus, TMessage message, TimeSpan delay, string? destination = null, CancellationToken cancellationToken = default)
        where TMessage : notnull =>
        bus.SendAsync(message, new SendOptions { Delay = delay, Destination = destination }, cancellationToken);

    /// <summary>Schedules a command to be delivered at a moment.</summary>
    public static ValueTask ScheduleSendAsync<TMessage>(this IBus bus, TMessage message, DateTimeOffset deliverAt, string? destination = null, CancellationToken cancellationToken = default)
        where TMessage : notnull =>
        bus.SendAsync(message, new SendOptions { DeliverAt = deliverAt, Destination = destination }, cancellationToken);

    /// <summary>Schedules an event to be published after a delay.</summary>
    public static ValueTask SchedulePublishAsync<TMessage>(this IBus bus, TMessage message, TimeSpan delay, CancellationToken cancellationToken = default)
        where TMessage : notnull =>
        bus.PublishAsync(message, new PublishOptions { Delay = delay }, cancellationToken);
}
