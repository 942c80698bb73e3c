using Switchboard.Auditing;
using Switchboard.Persistence;
using Switchboard.Conformance.Harness;
using Xunit;

namespace Switchboard.Conformance.Stores;

/// <summary>
/// The audit log of a store (<see cref="IAuditLogStore"/>): records read back intact, by conversation and by message,
/// in the order written; pruning by age and by count; concurrent writers; and the audit step above it, recording how
/// each delivery ended (handled, retrying, dead-lettered) so that a conversation's flow can be rebuilt.
/// </summary>
public abstract class AuditSuite<TFactory> : StoreSuite<TFactory>
    where TFactory : IStoreFactory, new()
{
    private const string Orders = "audit-orders";
    private const string FollowUps = "audit-follow-ups";

    /// <summary>Every field of a record survives the round trip (times to the microsecond), binary bodies and nulls included.</summary>
    [Fact]
    public async Task Records_read_back_intact_by_conversation_and_by_message()
    {
        var log = await OpenLogAsync();
        var conversation = NewKey();
        var message = NewKey();
        var full = Record(conversation, message, "orders") with
        {
            CausationId = "cause-1",
            TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
            Outcome = AuditOutcome.DeadLettered,
            Attempts = 3,
            Reason = "retries exhausted",
            ExceptionType = "System.TimeoutException",
            ExceptionMessage = "the gateway did not answer",
            Headers = new Dictionary<string, string> { ["tenant"] = "acme", ["sb-attempts"] = "3" },
            ContentType = "application/octet-stream",
            Body = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray(),
            BodyLength = 4096,
        };
        var bare = Record(conversation, message, "shipping");
        var other = Record(NewKey(), NewKey(), "orders");

        await log.AppendAsync([full, bare]);
        await log.AppendAsync([other]);

        var read = await log.ReadConversationAsync(conversation, 100);
        Assert.Equal(2, read.Count);
        AssertSame(full, read[0]);
        AssertSame(bare, read[1]);
        Assert.True(read[0].Sequence > 0 && read[1].Sequence > read[0].Sequence, "sequences increase in the order written");
        var byMessage = await log.ReadMessageAsync(message);
        Assert.Equal(["orders", "shipping"], byMessage.Select(r => r.Endpoint));
        AssertSame(other, Assert.Single(await log.ReadMessageAsync(other.MessageId)));
    }

    /// <summary>Unknown ids read as nothing; a conversation read stops at its limit, keeping the oldest.</summary>
    [Fact]
    public async Task A_conversation_read_keeps_its_oldest_records_up_to_the_limit()
    {
        var log = await OpenLogAsync();
        var conversation = NewKey();
        var records = Enumerable.Range(0, 5).Select(i => Record(conversation, NewKey(), "orders")).ToList();
        await log.AppendAsync(records);

        Assert.Equal(records.Take(2).Select(r => r.MessageId), (await log.ReadConversationAsync(conversation, 2)).Select(r => r.MessageId));
        Assert.Empty(await log.ReadConversationAsync(conversation, 0));
        Assert.Empty(await log.ReadConversationAsync(NewKey(), 100));
        Assert.Empty(await log.ReadMessageAsync(NewKey()));
        await log.AppendAsync([]);
        Assert.Equal(5, (await log.ReadConversationAsync(conversation, 100)).Count);
    }

    /// <summary>Pruning removes what finished before the cut-off, then the oldest beyond the count to keep, and says how many went.</summary>
    [Fact]
    public async Task Pruning_removes_records_by_age_then_by_count()
    {
        var log = await OpenLogAsync();
        var conversation = NewKey();
        var now = DateTimeOffset.UtcNow;
        var ages = new[] { 300, 200, 50, 40, 30, 20 };
        var records = ages.Select(minutes => Record(conversation, NewKey(), "orders") with { FinishedAt = now.AddMinutes(-minutes) }).ToList();
        await log.AppendAsync(records);

        Assert.Equal(2, await log.PruneAsync(now.AddMinutes(-100), long.MaxValue));
        Assert.Equal(records.Skip(2).Select(r => r.MessageId), (await log.ReadConversationAsync(conversation, 100)).Select(r => r.MessageId));

        Assert.Equal(2, await log.PruneAsync(now.AddDays(-1), 2));
        Assert.Equal(records.Skip(4).Select(r => r.MessageId), (await log.ReadConversationAsync(conversation, 100)).Select(r => r.MessageId));

        Assert.Equal(0, await log.PruneAsync(now.AddDays(-1), 2));
    }

    /// <summary>Writers appending at once lose nothing, and every record gets a sequence of its own.</summary>
    [Fact]
    public async Task Concurrent_appends_lose_nothing()
    {
        var log = await OpenLogAsync();
        var conversation = NewKey();
        var writers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var batch = 0; batch < 5; batch++)
            {
                await log.AppendAsync(Enumerable.Range(0, 10).Select(_ => Record(conversation, NewKey(), "orders")).ToList());
            }
        }));
        await Task.WhenAll(writers);

        var read = await log.ReadConversationAsync(conversation, 1000);
        Assert.Equal(400, read.Count);
        Assert.Equal(400, read.Select(r => r.Sequence).Distinct().Count());
        Assert.Equal(read.Select(r => r.Sequence).Order(), read.Select(r => r.Sequence));
    }

    /// <summary>
    /// Through the bus: a command that is handled and sends a follow-up, and a command that fails until it is
    /// dead-lettered (one delayed retry first), are recorded with their outcomes, attempts, reasons, service and
    /// cut bodies; the conversation's flow puts the follow-up under the command that caused it.
    /// </summary>
    [Fact]
    public async Task The_audit_step_records_how_each_delivery_ended()
    {
        Behavior.Before = async (message, context, ct) =>
        {
            if (message is TestCommand { Text: "fail" })
            {
                throw new InvalidOperationException("card declined");
            }

            if (message is TestCommand command)
            {
                await context.SendAsync(new FollowUp(command.Number), SendOptions.To(FollowUps), ct);
            }
        };
        var bus = await StartBusAsync(b => b
            .UseAudit(o => o with { Service = "audit-test", Instance = "instance-1", MaxBodyBytes = 8 })
            .Endpoint(Orders, Recording(FastRetries, transactional: true))
            .Endpoint(FollowUps, Recording()));
        var conversation = NewKey();
        var handled = NewKey();
        var failing = NewKey();

        await bus.Bus.SendAsync(new TestCommand(1, "ok"), new SendOptions { Destination = Orders, MessageId = handled, CorrelationId = conversation });
        await bus.Bus.SendAsync(new TestCommand(2, "fail"), new SendOptions { Destination = Orders, MessageId = failing, CorrelationId = conversation });

        // Delivery is at least once: the relay may send the follow-up again (a record each time), so wait for the
        // outcomes rather than for a count.
        var log = (IAuditLog)bus.Services.GetService(typeof(IAuditLog))!;
        IReadOnlyList<AuditRecord> records = [];
        await WaitForAsync(
            async () =>
            {
                records = await log.ReadConversationAsync(conversation, 100);
                return records.Any(r => r.Endpoint == FollowUps) && records.Any(r => r.MessageId == failing && r.Outcome == AuditOutcome.DeadLettered);
            },
            "the follow-up's and the dead letter's audit records");

        var command = records.First(r => r.MessageId == handled);
        Assert.Equal((AuditOutcome.Handled, Orders, "audit-test", "instance-1", 1), (command.Outcome, command.Endpoint, command.Service, command.Instance, command.Attempts));
        Assert.Equal(8, command.Body.Length);
        Assert.True(command.BodyLength > 8, "the whole body's length is kept");
        Assert.Null(command.Reason);
        Assert.InRange(command.FinishedAt, command.ReceivedAt, DateTimeOffset.UtcNow.AddMinutes(1));

        var followUp = records.First(r => r.Endpoint == FollowUps);
        Assert.Equal((AuditOutcome.Handled, handled, TestMessageNames.FollowUp), (followUp.Outcome, followUp.CausationId, followUp.MessageType));

        var deliveries = records.Where(r => r.MessageId == failing).ToList();
        Assert.Equal([AuditOutcome.Retrying, AuditOutcome.DeadLettered], deliveries.Select(d => d.Outcome));
        Assert.All(deliveries, d => Assert.Equal(2, d.Attempts));
        Assert.All(deliveries, d => Assert.Equal(typeof(InvalidOperationException).FullName, d.ExceptionType));
        Assert.Equal("card declined", deliveries[1].ExceptionMessage);
        Assert.Equal("retries exhausted", deliveries[1].Reason);

        var flow = await MessageFlow.ReadAsync(log, conversation);
        Assert.Equal(records.Count, flow.Timeline.Count);
        var root = Assert.Single(flow.Roots, n => n.MessageId == handled);
        Assert.Equal(followUp.MessageId, Assert.Single(root.Caused).MessageId);
        Assert.True(Assert.Single(flow.Roots, n => n.MessageId == failing).DeadLettered);
    }

    private async Task<IAuditLog> OpenLogAsync()
    {
        var store = await OpenStoreAsync();
        return Assert.IsAssignableFrom<IAuditLogStore>(store).AuditLog;
    }

    private static string NewKey() => Guid.NewGuid().ToString("N");

    private static AuditRecord Record(string conversation, string message, string endpoint)
    {
        var now = DateTimeOffset.UtcNow;
        return new AuditRecord
        {
            MessageId = message,
            MessageType = TestMessageNames.Command,
            CorrelationId = conversation,
            Endpoint = endpoint,
            Service = "service-a",
            Instance = "host/1",
            SentAt = now.AddMilliseconds(-30),
            ReceivedAt = now.AddMilliseconds(-20),
            FinishedAt = now,
            Attempts = 1,
            Outcome = AuditOutcome.Handled,
            BodyLength = 0,
        };
    }

    private static void AssertSame(AuditRecord expected, AuditRecord actual)
    {
        Assert.Equal(expected with { Sequence = 0, SentAt = default, ReceivedAt = default, FinishedAt = default, Headers = actual.Headers, Body = default }, actual with { Sequence = 0, SentAt = default, ReceivedAt = default, FinishedAt = default, Body = default });
        Assert.Equal(expected.Headers.OrderBy(h => h.Key), actual.Headers.OrderBy(h => h.Key));
        Assert.Equal(expected.Body.ToArray(), actual.Body.ToArray());
        AssertMicroseconds(expected.SentAt, actual.SentAt);
        AssertMicroseconds(expected.ReceivedAt, actual.ReceivedAt);
        AssertMicroseconds(expected.FinishedAt, actual.FinishedAt);
    }

    private static void AssertMicroseconds(DateTimeOffset expected, DateTimeOffset actual) =>
        Assert.InRange((actual - expected).Duration(), TimeSpan.Zero, TimeSpan.FromTicks(TimeSpan.TicksPerMicrosecond - 1));
}
