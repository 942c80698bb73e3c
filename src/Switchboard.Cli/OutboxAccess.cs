using System.Text.Json;
using Switchboard.Messages;
using Switchboard.Persistence;

namespace Switchboard.Cli;

/// <summary>What the outbox commands do with an outbox: a store's own, or a running application's through its console.</summary>
internal interface IOutboxAccess
{
    ValueTask<OutboxStatistics> GetStatisticsAsync(CancellationToken cancellationToken);

    ValueTask<IReadOnlyList<OutboxEntry>> ListQuarantinedAsync(int max, CancellationToken cancellationToken);

    ValueTask<int> ReleaseQuarantinedAsync(IReadOnlyCollection<string>? messageIds, CancellationToken cancellationToken);
}

/// <summary>A store's outbox.</summary>
internal sealed class StoreOutbox(IOutboxStore store) : IOutboxAccess
{
    public ValueTask<OutboxStatistics> GetStatisticsAsync(CancellationToken cancellationToken) => store.GetStatisticsAsync(cancellationToken);

    public ValueTask<IReadOnlyList<OutboxEntry>> ListQuarantinedAsync(int max, CancellationToken cancellationToken) => store.ListQuarantinedAsync(max, cancellationToken);

    public ValueTask<int> ReleaseQuarantinedAsync(IReadOnlyCollection<string>? messageIds, CancellationToken cancellationToken) => store.ReleaseQuarantinedAsync(messageIds, cancellationToken);
}

/// <summary>A running application's outbox, through its console (which lists up to 500 quarantined messages).</summary>
internal sealed class ConsoleOutbox(ConsoleApiClient console) : IOutboxAccess
{
    public async ValueTask<OutboxStatistics> GetStatisticsAsync(CancellationToken cancellationToken)
    {
        var outbox = await console.GetAsync("outbox", cancellationToken).ConfigureAwait(false);
        var oldest = outbox.GetProperty("oldestPendingAt");
        return new OutboxStatistics(outbox.GetProperty("pending").GetInt64(), oldest.ValueKind == JsonValueKind.Null ? null : oldest.GetDateTimeOffset(), outbox.GetProperty("quarantined").GetInt64());
    }

    public async ValueTask<IReadOnlyList<OutboxEntry>> ListQuarantinedAsync(int max, CancellationToken cancellationToken)
    {
        var outbox = await console.GetAsync("outbox", cancellationToken).ConfigureAwait(false);
        return [.. outbox.GetProperty("quarantinedMessages").EnumerateArray().Take(max).Select(e => new OutboxEntry(
            new OutgoingMessage(
                Enum.TryParse<OutgoingKind>(e.GetProperty("kind").GetString(), out var kind) ? kind : OutgoingKind.Send,
                e.GetProperty("destination").GetString()!,
                new Envelope { MessageId = e.GetProperty("messageId").GetString()!, MessageType = e.GetProperty("messageType").GetString()! },
                DeliverAt: null),
            e.GetProperty("createdAt").GetDateTimeOffset(),
            e.GetProperty("attempts").GetInt32(),
            e.GetProperty("lastError").GetString()))];
    }

    public async ValueTask<int> ReleaseQuarantinedAsync(IReadOnlyCollection<string>? messageIds, CancellationToken cancellationToken)
    {
        object body = messageIds is null ? new { all = true } : new { ids = messageIds };
        return (await console.PostAsync("outbox/release", body, cancellationToken).ConfigureAwait(false)).GetProperty("released").GetInt32();
    }
}
