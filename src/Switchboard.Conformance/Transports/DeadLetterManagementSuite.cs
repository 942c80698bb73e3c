using Switchboard.Messages;
using Switchboard.Conformance.Harness;
using Switchboard.Transport;
using Xunit;

namespace Switchboard.Conformance.Transports;

/// <summary>Dead letters can be listed, inspected, counted, re-driven, deleted and purged.</summary>
public abstract class DeadLetterManagementSuite<TFactory> : TransportSuite<TFactory>
    where TFactory : ITransportFactory, new()
{
    private const string Queue = "invoices";

    private static readonly string[] RemovedOnRedrive =
    [
        HeaderNames.DeadLetterReason, HeaderNames.DeadLetterQueue, HeaderNames.DeadLetteredAt, HeaderNames.Attempts,
        HeaderNames.ExceptionType, HeaderNames.ExceptionMessage, HeaderNames.ExceptionStackTrace, HeaderNames.DelayedRetries,
    ];

    /// <summary>List (oldest first, with skip and take), get and count show the dead letters; a dead letter's id is its message id.</summary>
    [Fact]
    public async Task Dead_letters_can_be_listed_paged_fetched_and_counted()
    {
        var bus = await DeadLetterAsync(5);
        var dlq = bus.DeadLetters;

        var all = await dlq.ListAsync(Queue);
        Assert.Equal(5, all.Count);
        Assert.Equal(5, await dlq.CountAsync(Queue));
        Assert.Equal(Enumerable.Range(0, 5), all.Select(Number));
        Assert.All(all, l => Assert.Equal(Queue, l.Queue));
        Assert.All(all, l => Assert.Equal("retries exhausted", l.Reason));
        Assert.Equal(5, all.Select(l => l.Id).Distinct().Count());
        Assert.All(all, l => Assert.Equal(l.Envelope.MessageId, l.Id)); // on every transport, a dead letter is found by its message id

        Assert.Equal(Enumerable.Range(1, 2), (await dlq.ListAsync(Queue, skip: 1, take: 2)).Select(Number));
        Assert.Equal(4, Number(Assert.Single(await dlq.ListAsync(Queue, skip: 4, take: 10))));
        Assert.Empty(await dlq.ListAsync(Queue, skip: 5));

        var third = await dlq.GetAsync(Queue, all[2].Id);
        Assert.NotNull(third);
        Assert.Equal(all[2].Id, third.Id);
        Assert.Equal(all[2].Envelope.MessageId, third.Envelope.MessageId);
        Assert.Equal(2, Number(third));
        Assert.Equal("retries exhausted", third.Reason);
        Assert.Equal(5, await dlq.CountAsync(Queue));
    }

    /// <summary>
    /// A re-driven dead letter goes back to its queue without the dead-letter headers, is handled once the handler
    /// is fixed, and leaves the dead-letter queue.
    /// </summary>
    [Fact]
    public async Task A_redriven_dead_letter_is_handled_without_its_dead_letter_headers()
    {
        FailEverything();
        var bus = await StartBusAsync(b => b.Endpoint(Queue, Recording(FastRetries)));
        var headers = new Dictionary<string, string> { ["x-customer"] = "c-17" };
        await bus.Bus.SendAsync(new TestCommand(1), new SendOptions { Destination = Queue, Headers = headers, CorrelationId = "conversation-redrive" });
        var letter = Assert.Single(await WaitForDeadLettersAsync(bus.DeadLetters, Queue, 1));
        Assert.Contains(HeaderNames.DelayedRetries, letter.Envelope.Headers.Keys);

        Behavior.Before = static (_, _, _) => ValueTask.CompletedTask;
        Assert.True(await bus.DeadLetters.RedriveAsync(Queue, letter.Id));

        var handled = Assert.Single(await Recorder.WaitForCountAsync(1, Patience));
        Assert.Equal(new TestCommand(1), handled.Message);
        Assert.Equal(letter.Envelope.MessageId, handled.Envelope.MessageId);
        Assert.Equal("conversation-redrive", handled.Envelope.CorrelationId);
        Assert.Equal("c-17", handled.Envelope.Headers["x-customer"]);
        Assert.DoesNotContain(handled.Envelope.Headers.Keys, k => k.StartsWith("sb-dead-letter", StringComparison.Ordinal));
        Assert.All(RemovedOnRedrive, name => Assert.DoesNotContain(name, handled.Envelope.Headers.Keys));
        Assert.Equal(0, await bus.DeadLetters.CountAsync(Queue));
        Assert.Null(await bus.DeadLetters.GetAsync(Queue, letter.Id));
        await Task.Delay(300);
        Assert.Single(Recorder.All);
    }

    /// <summary>Re-drive all sends every dead letter back, returns how many, and empties the dead-letter queue.</summary>
    [Fact]
    public async Task Redrive_all_sends_every_dead_letter_back()
    {
        var bus = await DeadLetterAsync(3);

        Behavior.Before = static (_, _, _) => ValueTask.CompletedTask;
        Assert.Equal(3, await bus.DeadLetters.RedriveAllAsync(Queue));

        var handled = await Recorder.WaitForCountAsync(3, Patience);
        Assert.Equal(Enumerable.Range(0, 3), handled.Select(h => Assert.IsType<TestCommand>(h.Message).Number).Order());
        Assert.Equal(0, await bus.DeadLetters.CountAsync(Queue));
        Assert.Empty(await bus.DeadLetters.ListAsync(Queue));
        Assert.Equal(0, await bus.DeadLetters.RedriveAllAsync(Queue));
        await Task.Delay(300);
        Assert.Equal(3, Recorder.All.Count);
    }

    /// <summary>Delete removes exactly the one dead letter named.</summary>
    [Fact]
    public async Task Delete_removes_one_dead_letter()
    {
        var bus = await DeadLetterAsync(3);
        var dlq = bus.DeadLetters;
        var letters = await dlq.ListAsync(Queue);

        Assert.True(await dlq.DeleteAsync(Queue, letters[1].Id));

        Assert.Equal(2, await dlq.CountAsync(Queue));
        Assert.Null(await dlq.GetAsync(Queue, letters[1].Id));
        Assert.Equal(new[] { letters[0].Id, letters[2].Id }, (await dlq.ListAsync(Queue)).Select(l => l.Id));
        Assert.False(await dlq.DeleteAsync(Queue, letters[1].Id));
        Assert.Equal(2, await dlq.CountAsync(Queue));
        Assert.Empty(Recorder.All);
    }

    /// <summary>Purge removes every dead letter of the queue and returns how many.</summary>
    [Fact]
    public async Task Purge_removes_every_dead_letter()
    {
        var bus = await DeadLetterAsync(3);
        var dlq = bus.DeadLetters;

        Assert.Equal(3, await dlq.PurgeAsync(Queue));

        Assert.Equal(0, await dlq.CountAsync(Queue));
        Assert.Empty(await dlq.ListAsync(Queue));
        Assert.Equal(0, await dlq.PurgeAsync(Queue));
        await Task.Delay(300);
        Assert.Empty(Recorder.All);
    }

    /// <summary>Get, re-drive and delete of an id that is not there return null or false and change nothing.</summary>
    [Fact]
    public async Task Operations_on_an_unknown_id_return_false_or_null()
    {
        var bus = await DeadLetterAsync(1);
        var dlq = bus.DeadLetters;
        const string unknown = "no-such-dead-letter";

        Assert.Null(await dlq.GetAsync(Queue, unknown));
        Assert.False(await dlq.RedriveAsync(Queue, unknown));
        Assert.False(await dlq.DeleteAsync(Queue, unknown));

        Assert.Equal(1, await dlq.CountAsync(Queue));
        Assert.Equal(0, Number(Assert.Single(await dlq.ListAsync(Queue))));
    }

    /// <summary>
    /// A message dead-lettered twice (sent twice with one id) is there twice under that id: get and delete by that id
    /// name the older of the two, on every transport (re-drive finds it the same way).
    /// </summary>
    [Fact]
    public async Task Of_two_dead_letters_with_one_message_id_the_id_names_the_older()
    {
        FailEverything();
        var bus = await StartBusAsync(b => b.Endpoint(Queue, Recording(RetryPolicy.None, concurrency: 1)));
        var older = RawEnvelopes.Command(1);
        await Scope.SendRawAsync(Queue, older);
        await WaitForDeadLettersAsync(bus.DeadLetters, Queue, 1);
        await Scope.SendRawAsync(Queue, RawEnvelopes.Command(2) with { MessageId = older.MessageId });
        Assert.All(await WaitForDeadLettersAsync(bus.DeadLetters, Queue, 2), l => Assert.Equal(older.MessageId, l.Id));

        Assert.Equal(1, Number((await bus.DeadLetters.GetAsync(Queue, older.MessageId))!));
        Assert.True(await bus.DeadLetters.DeleteAsync(Queue, older.MessageId));
        Assert.Equal(2, Number(Assert.Single(await bus.DeadLetters.ListAsync(Queue))));
        Assert.Equal(2, Number((await bus.DeadLetters.GetAsync(Queue, older.MessageId))!));
    }

    // Starts a bus whose handler always fails without retries and dead-letters commands 0..count-1, in order.
    private async Task<RunningBus> DeadLetterAsync(int count)
    {
        FailEverything();
        var bus = await StartBusAsync(b => b.Endpoint(Queue, Recording(RetryPolicy.None, concurrency: 1)));
        for (var i = 0; i < count; i++)
        {
            await bus.Bus.SendAsync(Queue, new TestCommand(i));
        }

        await WaitForDeadLettersAsync(bus.DeadLetters, Queue, count);
        return bus;
    }

    private void FailEverything() =>
        Behavior.Before = static (_, _, _) => throw new InvalidOperationException("the invoice service is down");

    private static int Number(DeadLetter letter) => RawEnvelopes.ReadCommand(letter.Envelope).Number;
}
