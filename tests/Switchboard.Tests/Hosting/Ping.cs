using System.Collections.Concurrent;

namespace Switchboard.Tests.Hosting;

public sealed record Ping(int Number);

public sealed record Pong(int Number);

/// <summary>Shared record of what the test handlers saw.</summary>
public sealed class Seen
{
    public ConcurrentQueue<string> Entries { get; } = new();

    public Func<Ping, IMessageContext, Task> OnPing { get; set; } = (_, _) => Task.CompletedTask;
}

public sealed class FirstPingHandler(Seen seen) : IMessageHandler<Ping>
{
    public async ValueTask HandleAsync(Ping message, IMessageContext context, CancellationToken cancellationToken)
    {
        await seen.OnPing(message, context);
        seen.Entries.Enqueue($"first:{message.Number}");
    }
}

public sealed class SecondPingHandler(Seen seen, IMessageContext injected) : IMessageHandler<Ping>
{
    public ValueTask HandleAsync(Ping message, IMessageContext context, CancellationToken cancellationToken)
    {
        seen.Entries.Enqueue($"second:{message.Number}:{ReferenceEquals(injected, context)}");
        return ValueTask.CompletedTask;
    }
}

public sealed class PongHandler(Seen seen) : IMessageHandler<Pong>
{
    public ValueTask HandleAsync(Pong message, IMessageContext context, CancellationToken cancellationToken)
    {
        seen.Entries.Enqueue($"pong:{message.Number}");
        return ValueTask.CompletedTask;
    }
}
