using Switchboard.Messages;
using Switchboard.Persistence;
using Xunit;

namespace Switchboard.Conformance.Stores;

/// <summary>
/// The outbox below the bus: what a unit of work enlists is claimable once committed (and only then), with its
/// message intact; claims, failures, quarantine and statistics behave as the relay and operators rely on.
/// </summary>
/// <remarks>
/// Only for a store whose units of work go through an outbox. One that shares its database with the transport (the
/// SQLite store on the SQLite transport) puts enlisted messages straight into the transport's tables
/// (<see cref="IStoreTransaction.EnlistAsync"/> returns false): this suite does not apply to it and is not run for it
/// (the unit of work suite covers its delivery).
/// </remarks>
public abstract class OutboxSuite<TFactory> : StoreSuite<TFactory>
    where TFactory : IStoreFactory, new()
{
    private const string NoOutbox = "The store put the messages straight into the transport: run this suite on a store that goes through an outbox.";
    private const string Queue = "outbox-target";
    private const string Topic = "test.store.outbox-topic.v1";
    private static readonly TimeSpan LongClaim = TimeSpan.FromHours(1);

    /// <summary>
    /// A committed message is claimable with every field intact: id, kind, destination, type, ids, trace parent,
    /// sent and deliver-at times, content type, headers and body bytes (binary too); its entry has no attempts yet.
    /// </summary>
    [Fact]
    public async Task A_committed_message_is_claimable_with_its_message_intact()
    {
        var store = await OpenOutboxAsync();
        var before = DateTimeOffset.UtcNow;
        var json = Send() with { DeliverAt = new DateTimeOffset(2031, 5, 6, 7, 8, 9, 123, TimeSpan.Zero) };
        var binary = new OutgoingMessage(OutgoingKind.Publish, Topic, NewEnvelope() with
        {
            CorrelationId = "conversation-7",
            CausationId = null,
            TraceParent = null,
            ContentType = "application/octet-stream",
            Headers = Envelope.EmptyHeaders,
            Body = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(),
        }, null);
        Assert.True(await CommitAsync(store, json, binary), NoOutbox);

        var claimed = await store.Outbox.ClaimDueAsync(10, TimeSpan.Zero, LongClaim);

        Assert.Equal(2, claimed.Count);
        AssertSameMessage(json, Assert.Single(claimed, e => e.Message.Envelope.MessageId == json.Envelope.MessageId).Message);
        AssertSameMessage(binary, Assert.Single(claimed, e => e.Message.Envelope.MessageId == binary.Envelope.MessageId).Message);
        Assert.All(claimed, e =>
        {
            Assert.Equal(0, e.Attempts);
            Assert.Null(e.LastError);
            Assert.InRange(e.CreatedAt, before.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));
        });
    }

    /// <summary>Nothing of a transaction disposed without committing reaches the outbox.</summary>
    [Fact]
    public async Task A_rolled_back_transaction_leaves_nothing_in_the_outbox()
    {
        var store = await OpenOutboxAsync();
        await using (var transaction = await store.BeginAsync())
        {
            Assert.True(await transaction.EnlistAsync([Send(), Send()]), NoOutbox);
        }

        Assert.Empty(await store.Outbox.ClaimDueAsync(10, TimeSpan.Zero, LongClaim));
        var statistics = await store.Outbox.GetStatisticsAsync();
        Assert.Equal(0, statistics.Pending);
        Assert.Null(statistics.OldestPendingAt);
        Assert.Equal(0, statistics.Quarantined);
    }

    /// <summary>
    /// A claimed message is not claimed again while its claim lasts, and is claimable again once the claim
    /// has passed (a relay that died gives its claims up); a claim takes at most <c>max</c> messages.
    /// </summary>
    [Fact]
    public async Task A_claimed_message_is_not_claimed_again_until_its_claim_has_passed()
    {
        var store = await OpenOutboxAsync();
        var held = Send();
        Assert.True(await CommitAsync(store, held), NoOutbox);

        Assert.Equal(held.Envelope.MessageId, Assert.Single(await store.Outbox.ClaimDueAsync(10, TimeSpan.Zero, LongClaim)).Message.Envelope.MessageId);
        Assert.Empty(await store.Outbox.ClaimDueAsync(10, TimeSpan.Zero, LongClaim));

        var brief = new[] { Send(), Send(), Send() };
        Assert.True(await CommitAsync(store, brief));
        var first = await store.Outbox.ClaimDueAsync(2, TimeSpan.Zero, TimeSpan.FromMilliseconds(300));
        Assert.Equal(2, first.Count);
        var second = await store.Outbox.ClaimDueAsync(10, TimeSpan.Zero, TimeSpan.FromMilliseconds(300));
        var third = Assert.Single(brief, m => first.All(e => e.Message.Envelope.MessageId != m.Envelope.MessageId));
        Assert.Contains(second, e => e.Message.Envelope.MessageId == third.Envelope.MessageId);
        Assert.DoesNotContain(first.Concat(second), e => e.Message.Envelope.MessageId == held.Envelope.MessageId);

        // The short claims pass; the long one does not.
        var reclaimed = new HashSet<string>();
        await WaitForAsync(async () =>
        {
            foreach (var entry in await store.Outbox.ClaimDueAsync(10, TimeSpan.Zero, LongClaim))
            {
                Assert.NotEqual(held.Envelope.MessageId, entry.Message.Envelope.MessageId);
                reclaimed.Add(entry.Message.Envelope.MessageId);
            }

            return reclaimed.Count == brief.Length;
        }, "the briefly claimed messages to be claimable again");
        Assert.Equal(brief.Select(m => m.Envelope.MessageId).Order(), reclaimed.Order());
    }

    /// <summary>A message younger than the minimum age is not claimed (its committer is still dispatching it).</summary>
    [Fact]
    public async Task The_minimum_age_hides_younger_messages()
    {
        var store = await OpenOutboxAsync();
        var message = Send();
        Assert.True(await CommitAsync(store, message), NoOutbox);

        Assert.Empty(await store.Outbox.ClaimDueAsync(10, TimeSpan.FromHours(1), LongClaim));

        await WaitForAsync(
            async () => (await store.Outbox.ClaimDueAsync(10, TimeSpan.FromMilliseconds(300), LongClaim)).Any(e => e.Message.Envelope.MessageId == message.Envelope.MessageId),
            "the message to be older than 300 ms");
    }

    /// <summary>Dispatched messages leave the outbox; the others stay.</summary>
    [Fact]
    public async Task Marking_messages_dispatched_removes_them()
    {
        var store = await OpenOutboxAsync();
        var dispatched = new[] { Send(), Publish() };
        var kept = Send();
        Assert.True(await CommitAsync(store, [.. dispatched, kept]), NoOutbox);

        Assert.Equal(3, (await store.Outbox.ClaimDueAsync(10, TimeSpan.Zero, TimeSpan.FromMilliseconds(300))).Count);
        await store.Outbox.MarkDispatchedAsync(dispatched.Select(m => m.Envelope.MessageId).ToArray());

        Assert.Equal(1, (await store.Outbox.GetStatisticsAsync()).Pending);
        IReadOnlyList<OutboxEntry> again = [];
        await WaitForAsync(async () => (again = await store.Outbox.ClaimDueAsync(10, TimeSpan.Zero, LongClaim)).Count > 0, "the kept message's claim to pass");
        Assert.Equal(kept.Envelope.MessageId, Assert.Single(again).Message.Envelope.MessageId);

        await store.Outbox.MarkDispatchedAsync([kept.Envelope.MessageId]);
        var statistics = await store.Outbox.GetStatisticsAsync();
        Assert.Equal(0, statistics.Pending);
        Assert.Null(statistics.OldestPendingAt);

        // Marking what is gone already (a relay that dispatched it again) is harmless.
        await store.Outbox.MarkDispatchedAsync([kept.Envelope.MessageId]);
        Assert.Equal(0, (await store.Outbox.GetStatisticsAsync()).Pending);
    }

    /// <summary>
    /// A failed dispatch counts an attempt, keeps the error, and hides the message until its retry time; it
    /// still counts as pending.
    /// </summary>
    [Fact]
    public async Task A_failed_dispatch_counts_an_attempt_keeps_the_error_and_waits_for_its_retry_time()
    {
        var store = await OpenOutboxAsync();
        var later = Send();
        var soon = Send();
        Assert.True(await CommitAsync(store, later, soon), NoOutbox);

        Assert.Equal(2, (await store.Outbox.ClaimDueAsync(10, TimeSpan.Zero, LongClaim)).Count);
        await store.Outbox.MarkFailedAsync(later.Envelope.MessageId, "broker unreachable", DateTimeOffset.UtcNow.AddHours(1), quarantine: false);
        await store.Outbox.MarkFailedAsync(soon.Envelope.MessageId, "timeout 1", DateTimeOffset.UtcNow.AddMilliseconds(300), quarantine: false);

        var statistics = await store.Outbox.GetStatisticsAsync();
        Assert.Equal(2, statistics.Pending);
        Assert.Equal(0, statistics.Quarantined);

        var retried = await ClaimOnlyAsync(store, soon, later);
        Assert.Equal(1, retried.Attempts);
        Assert.Equal("timeout 1", retried.LastError);

        await store.Outbox.MarkFailedAsync(soon.Envelope.MessageId, "timeout 2", DateTimeOffset.UtcNow.AddMilliseconds(300), quarantine: false);
        retried = await ClaimOnlyAsync(store, soon, later);
        Assert.Equal(2, retried.Attempts);
        Assert.Equal("timeout 2", retried.LastError);
        AssertSameMessage(soon, retried.Message);
    }

    /// <summary>
    /// A quarantined message is never claimed; statistics count it as quarantined, not pending; it is listed with
    /// its error; releasing it makes it claimable again.
    /// </summary>
    [Fact]
    public async Task A_quarantined_message_waits_for_an_operator_and_is_claimable_once_released()
    {
        var store = await OpenOutboxAsync();
        var poisoned = Send();
        var healthy = Send();
        Assert.True(await CommitAsync(store, poisoned, healthy), NoOutbox);

        Assert.Equal(2, (await store.Outbox.ClaimDueAsync(10, TimeSpan.Zero, LongClaim)).Count);
        await store.Outbox.MarkFailedAsync(poisoned.Envelope.MessageId, "rejected by the broker", DateTimeOffset.UtcNow.AddMilliseconds(-1), quarantine: true);
        await store.Outbox.MarkDispatchedAsync([healthy.Envelope.MessageId]);

        Assert.Empty(await store.Outbox.ClaimDueAsync(10, TimeSpan.Zero, LongClaim));
        var statistics = await store.Outbox.GetStatisticsAsync();
        Assert.Equal(0, statistics.Pending);
        Assert.Null(statistics.OldestPendingAt);
        Assert.Equal(1, statistics.Quarantined);

        var listed = Assert.Single(await store.Outbox.ListQuarantinedAsync(10));
        AssertSameMessage(poisoned, listed.Message);
        Assert.Equal(1, listed.Attempts);
        Assert.Equal("rejected by the broker", listed.LastError);

        Assert.Equal(1, await store.Outbox.ReleaseQuarantinedAsync());
        Assert.Empty(await store.Outbox.ListQuarantinedAsync(10));
        statistics = await store.Outbox.GetStatisticsAsync();
        Assert.Equal(1, statistics.Pending);
        Assert.Equal(0, statistics.Quarantined);
        var released = Assert.Single(await store.Outbox.ClaimDueAsync(10, TimeSpan.Zero, LongClaim));
        AssertSameMessage(poisoned, released.Message);
        Assert.Equal(0, await store.Outbox.ReleaseQuarantinedAsync());
    }

    /// <summary>Releasing named messages releases those only; listing takes at most <c>max</c>.</summary>
    [Fact]
    public async Task Releasing_named_quarantined_messages_releases_only_those()
    {
        var store = await OpenOutboxAsync();
        var messages = new[] { Send(), Send(), Send() };
        Assert.True(await CommitAsync(store, messages), NoOutbox);

        Assert.Equal(3, (await store.Outbox.ClaimDueAsync(10, TimeSpan.Zero, LongClaim)).Count);
        foreach (var message in messages)
        {
            await store.Outbox.MarkFailedAsync(message.Envelope.MessageId, "poison", DateTimeOffset.UtcNow, quarantine: true);
        }

        Assert.Equal(3, (await store.Outbox.GetStatisticsAsync()).Quarantined);
        Assert.Equal(2, (await store.Outbox.ListQuarantinedAsync(2)).Count);

        Assert.Equal(1, await store.Outbox.ReleaseQuarantinedAsync([messages[1].Envelope.MessageId, "no-such-message"]));

        var still = await store.Outbox.ListQuarantinedAsync(10);
        Assert.Equal(new[] { messages[0].Envelope.MessageId, messages[2].Envelope.MessageId }.Order(), still.Select(e => e.Message.Envelope.MessageId).Order());
        var statistics = await store.Outbox.GetStatisticsAsync();
        Assert.Equal(1, statistics.Pending);
        Assert.Equal(2, statistics.Quarantined);
        Assert.Equal(messages[1].Envelope.MessageId, Assert.Single(await store.Outbox.ClaimDueAsync(10, TimeSpan.Zero, LongClaim)).Message.Envelope.MessageId);
    }

    /// <summary>
    /// Statistics count the pending messages and give the oldest one's commit time (claimed ones included: they
    /// are not dispatched yet); an empty outbox has none.
    /// </summary>
    [Fact]
    public async Task Statistics_count_pending_messages_and_give_the_oldest_ones_time()
    {
        var store = await OpenOutboxAsync();
        var empty = await store.Outbox.GetStatisticsAsync();
        Assert.Equal(0, empty.Pending);
        Assert.Null(empty.OldestPendingAt);
        Assert.Equal(0, empty.Quarantined);

        var before = DateTimeOffset.UtcNow;
        var messages = new[] { Send(), Publish(), Send() };
        Assert.True(await CommitAsync(store, messages[0]), NoOutbox);

        Assert.True(await CommitAsync(store, messages[1], messages[2]));

        var statistics = await store.Outbox.GetStatisticsAsync();
        Assert.Equal(3, statistics.Pending);
        Assert.Equal(0, statistics.Quarantined);
        Assert.NotNull(statistics.OldestPendingAt);
        Assert.InRange(statistics.OldestPendingAt.Value, before.AddMinutes(-1), DateTimeOffset.UtcNow.AddMinutes(1));

        var claimed = await store.Outbox.ClaimDueAsync(10, TimeSpan.Zero, LongClaim);
        Assert.Equal(3, claimed.Count);
        Assert.Equal(claimed.Min(e => e.CreatedAt), statistics.OldestPendingAt);
        Assert.Equal(statistics, await store.Outbox.GetStatisticsAsync());

        await store.Outbox.MarkDispatchedAsync(claimed.Select(e => e.Message.Envelope.MessageId).ToArray());
        statistics = await store.Outbox.GetStatisticsAsync();
        Assert.Equal(0, statistics.Pending);
        Assert.Null(statistics.OldestPendingAt);
    }

    /// <summary>A store whose destinations are declared on the transport (see the class remarks).</summary>
    private async Task<IMessageStore> OpenOutboxAsync()
    {
        await DeclareQueuesAsync(Queue);
        return await OpenStoreAsync();
    }

    /// <summary>Enlists and commits; false when the store joined the transport instead of its outbox.</summary>
    private static async Task<bool> CommitAsync(IMessageStore store, params OutgoingMessage[] messages)
    {
        var transaction = await store.BeginAsync();
        await using (transaction)
        {
            var outboxed = await transaction.EnlistAsync(messages);
            await transaction.CommitAsync();
            return outboxed;
        }
    }

    /// <summary>Polls until <paramref name="due"/> is claimable again, checking that <paramref name="hidden"/> never is.</summary>
    private static async Task<OutboxEntry> ClaimOnlyAsync(IMessageStore store, OutgoingMessage due, OutgoingMessage hidden)
    {
        OutboxEntry? found = null;
        await WaitForAsync(async () =>
        {
            foreach (var entry in await store.Outbox.ClaimDueAsync(10, TimeSpan.Zero, LongClaim))
            {
                Assert.NotEqual(hidden.Envelope.MessageId, entry.Message.Envelope.MessageId);
                Assert.Equal(due.Envelope.MessageId, entry.Message.Envelope.MessageId);
                found = entry;
            }

            return found is not null;
        }, $"message {due.Envelope.MessageId} to be due again");
        return found!;
    }

    private static OutgoingMessage Send() => new(OutgoingKind.Send, Queue, NewEnvelope(), null);

    private static OutgoingMessage Publish() => new(OutgoingKind.Publish, Topic, NewEnvelope(), null);

    private static Envelope NewEnvelope()
    {
        var id = Guid.NewGuid().ToString();

        // Whole milliseconds: a store may keep times at that precision.
        var sentAt = DateTimeOffset.FromUnixTimeMilliseconds(DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return new Envelope
        {
            MessageId = id,
            MessageType = "test.store.outboxed.v1",
            CorrelationId = "correlation-" + id,
            CausationId = "cause-" + id,
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            SentAt = sentAt,
            ContentType = "application/json",
            Headers = new Dictionary<string, string> { ["x-tenant"] = "acme", ["x-note"] = "Zoë \"quoted\", ünïcode" },
            Body = """{"number":7,"text":"seven ✓"}"""u8.ToArray(),
        };
    }

    private static void AssertSameMessage(OutgoingMessage expected, OutgoingMessage actual)
    {
        Assert.Equal(expected.Kind, actual.Kind);
        Assert.Equal(expected.Destination, actual.Destination);
        Assert.Equal(expected.DeliverAt, actual.DeliverAt);
        var e = expected.Envelope;
        var a = actual.Envelope;
        Assert.Equal(e.MessageId, a.MessageId);
        Assert.Equal(e.MessageType, a.MessageType);
        Assert.Equal(e.CorrelationId, a.CorrelationId);
        Assert.Equal(e.CausationId, a.CausationId);
        Assert.Equal(e.TraceParent, a.TraceParent);
        Assert.Equal(e.SentAt, a.SentAt);
        Assert.Equal(e.ContentType, a.ContentType);
        Assert.Equal(e.Headers.OrderBy(h => h.Key, StringComparer.Ordinal), a.Headers.OrderBy(h => h.Key, StringComparer.Ordinal));
        Assert.Equal(e.Body.ToArray(), a.Body.ToArray());
    }
}
