using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Configuration;
using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Hosting;
using Switchboard.Sagas;
using Switchboard.Conformance.Harness;
using Switchboard.Conformance.Stores;
using Xunit;

namespace Switchboard.Conformance.EventSourcing;

/// <summary>
/// Event-sourced sagas on a bus: the events a saga's aggregate raises, the inbox record and the messages it sends
/// commit in one unit of work or not at all, and concurrent messages for one stream each apply once.
/// </summary>
public abstract class EventSourcedSagaSuite<TFactory> : StoreSuite<TFactory>
    where TFactory : IEventSourcedStoreFactory, new()
{
    private const string Accounts = "es-saga-accounts";
    private const string Notices = "es-saga-notices";
    private ActivityTraceId _traceId;

    /// <summary>
    /// The saga's events are in its stream, with the message as their cause and its trace as theirs, and the message it
    /// sent was delivered.
    /// </summary>
    [Fact]
    public async Task The_events_a_saga_raises_commit_with_the_messages_it_sends()
    {
        var bus = await StartAsync();
        var messageId = Guid.NewGuid().ToString();

        using (var trace = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            await bus.Bus.SendAsync(new Deposit("alice", 5, Notify: true), new SendOptions { MessageId = messageId, CorrelationId = "conversation-1" });
            _traceId = trace.TraceId;
        }

        await Recorder.WaitUntilAsync(h => h.Any(m => m.Message is DepositNoticed { Account: "alice" }), Patience, "the notice");
        var stream = await ReadStreamAsync(bus, "alice");
        var recorded = Assert.Single(stream);
        Assert.Equal("counted", recorded.Type);
        Assert.Equal(messageId, recorded.Metadata.CausationId);
        Assert.Equal("conversation-1", recorded.Metadata.CorrelationId);
        Assert.Equal(_traceId, ActivityContext.Parse(recorded.Metadata.TraceParent!, null).TraceId);
    }

    /// <summary>A saga that throws after raising events and sending leaves nothing: no event, no message, the message dead-lettered.</summary>
    [Fact]
    public async Task A_saga_that_fails_leaves_no_events_and_sends_nothing()
    {
        var bus = await StartAsync();
        var messageId = Guid.NewGuid().ToString();

        await bus.Bus.SendAsync(new Deposit("bob", 5, Notify: true, Fail: true), new SendOptions { MessageId = messageId });

        await WaitForAsync(async () => (await bus.DeadLetters.ListAsync(Accounts)).Any(d => d.Envelope.MessageId == messageId), "the dead letter");
        Assert.Empty(await ReadStreamAsync(bus, "bob"));
        Assert.DoesNotContain(Recorder.All, m => m.Message is DepositNoticed);
    }

    /// <summary>
    /// 100 messages for one stream, handled by two buses at 8 at a time each: version conflicts roll units back and rerun
    /// them, and in the end every message is applied exactly once.
    /// </summary>
    [Fact]
    public async Task Concurrent_messages_for_one_stream_each_apply_once()
    {
        var first = await StartAsync();
        await StartAsync();
        var ids = Enumerable.Range(1, 100).Select(_ => Guid.NewGuid().ToString()).ToArray();

        await Task.WhenAll(ids.Select((id, index) => first.Bus.SendAsync(new Deposit("carol", index + 1), new SendOptions { MessageId = id }).AsTask()));

        await WaitForAsync(async () => (await ReadStreamAsync(first, "carol")).Count >= ids.Length, "100 events");
        var account = await LoadAsync(first, "carol");
        Assert.Equal(ids.Length, account.State.Deposits);
        Assert.Equal(5050, account.State.Balance);
        var causes = (await ReadStreamAsync(first, "carol")).Select(e => e.Metadata.CausationId).Order(StringComparer.Ordinal);
        Assert.Equal(ids.Order(StringComparer.Ordinal), causes);
    }

    /// <summary>A timeout the saga requests is sent in its unit of work and reaches the same aggregate.</summary>
    [Fact]
    public async Task A_requested_timeout_reaches_the_same_aggregate()
    {
        var bus = await StartAsync();

        await bus.Bus.SendAsync(new Deposit("dave", 1, TimeoutAfterMilliseconds: 100));

        await WaitForAsync(async () => (await LoadAsync(bus, "dave")).State.Balance == 1001, "the timeout's deposit");
        Assert.Equal(2, (await LoadAsync(bus, "dave")).State.Deposits);
    }

    private Task<RunningBus> StartAsync() => StartBusAsync(bus =>
    {
        bus.Message<Deposit>("test.es-saga.deposit")
            .Message<DepositTimeout>("test.es-saga.deposit-timeout")
            .Message<DepositNoticed>("test.es-saga.deposit-noticed")
            .Route<Deposit>(Accounts)
            .Route<DepositNoticed>(Notices)
            .Endpoint(Accounts, e => e
                .Concurrency(8)
                .Retry(FastRetries)
                .EventSourcedSaga<AccountSaga, TestAccount>(s => s
                    .Handles<Deposit>(m => m.Account)
                    .Handles<DepositTimeout>(m => m.Account)))
            .Endpoint(Notices, e => e.Handle<DepositNoticed, NoticeRecorder>())
            .EventSourcing(es => es
                .Event<Counted>("counted")
                .Event<Renamed>("renamed")
                .Aggregate<TestAccount>("account"));
        Factory.UseEventStore(bus, Scope);
    });

    private static async Task<IReadOnlyList<RecordedEvent>> ReadStreamAsync(RunningBus bus, string account) =>
        await bus.Services.GetRequiredService<IEventStoreReader>().ReadStreamAsync("account-" + account, 1, ReadDirection.Forwards, 1000).ConfigureAwait(false);

    private static Task<TestAccount> LoadAsync(RunningBus bus, string account) =>
        bus.Services.GetRequiredService<Switchboard.EventSourcing.Aggregates.AggregateRepository>().LoadAsync<TestAccount>(account);
}

/// <summary>A deposit to an account, handled by the suite's event-sourced saga.</summary>
/// <param name="Account">The account (the saga's key).</param>
/// <param name="Amount">The amount.</param>
/// <param name="Notify">Whether the saga sends <see cref="DepositNoticed"/>.</param>
/// <param name="Fail">Whether the saga throws after depositing and sending.</param>
/// <param name="TimeoutAfterMilliseconds">When positive, the saga requests a <see cref="DepositTimeout"/> after this long.</param>
public sealed record Deposit(string Account, int Amount, bool Notify = false, bool Fail = false, int TimeoutAfterMilliseconds = 0);

/// <summary>The suite saga's timeout: deposits 1,000.</summary>
public sealed record DepositTimeout(string Account);

/// <summary>What the suite's saga sends when asked to.</summary>
public sealed record DepositNoticed(string Account);

/// <summary>Records the notices the suite's saga sends.</summary>
public sealed class NoticeRecorder(MessageRecorder recorder, ConsumerName consumer) : IMessageHandler<DepositNoticed>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(DepositNoticed message, IMessageContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        recorder.Record(new Handled(context.Endpoint, consumer.Name, message, context.Envelope, context.DeliveryCount, DateTimeOffset.UtcNow));
        return ValueTask.CompletedTask;
    }
}

/// <summary>The suite's event-sourced saga over <see cref="TestAccount"/>.</summary>
public sealed class AccountSaga : IEventSourcedSaga<TestAccount, Deposit>, IEventSourcedSaga<TestAccount, DepositTimeout>
{
    /// <inheritdoc />
    public async ValueTask HandleAsync(Deposit message, IEventSourcedSagaContext<TestAccount> saga, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(saga);
        saga.Aggregate.Deposit(message.Amount);
        if (message.Notify)
        {
            await saga.SendAsync(new DepositNoticed(message.Account), cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        if (message.TimeoutAfterMilliseconds > 0)
        {
            await saga.RequestTimeoutAsync(new DepositTimeout(message.Account), TimeSpan.FromMilliseconds(message.TimeoutAfterMilliseconds), cancellationToken).ConfigureAwait(false);
        }

        if (message.Fail)
        {
            throw new InvalidOperationException("The saga failed after depositing and sending (as the test asked).");
        }
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(DepositTimeout message, IEventSourcedSagaContext<TestAccount> saga, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(saga);
        saga.Aggregate.Deposit(1000);
        return ValueTask.CompletedTask;
    }
}
