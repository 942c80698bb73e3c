using Switchboard.Conformance.Harness;
using Xunit;

namespace Switchboard.Conformance.Transports;

/// <summary>
/// A failing handler is retried at once, then later through the transport, then dead-lettered with the
/// exception's details; a poison message never holds up the others.
/// </summary>
public abstract class RetryAndDeadLetterSuite<TFactory> : TransportSuite<TFactory>
    where TFactory : ITransportFactory, new()
{
    private const string Queue = "payments";

    /// <summary>
    /// A handler that always throws is attempted (2 + 1) × (2 + 1) = 9 times, then the message is dead-lettered with
    /// the exception, the attempt count, and its original id and headers.
    /// </summary>
    [Fact]
    public async Task A_message_that_always_fails_is_attempted_nine_times_then_dead_lettered_with_its_exception()
    {
        var attempts = 0;
        string? messageId = null;
        Behavior.Before = (_, context, ct) =>
        {
            Interlocked.Increment(ref attempts);
            Volatile.Write(ref messageId, context.MessageId);
            return AlwaysFail(context, ct);
        };
        var bus = await StartBusAsync(b => b.Endpoint(Queue, Recording(FastRetries)));

        var headers = new Dictionary<string, string> { ["x-tenant"] = "acme", ["x-origin"] = "conformance" };
        await bus.Bus.SendAsync(new TestCommand(1), new SendOptions { Destination = Queue, Headers = headers });

        var letter = Assert.Single(await WaitForDeadLettersAsync(bus.DeadLetters, Queue, 1));
        await Task.Delay(500);
        Assert.Equal(9, Volatile.Read(ref attempts));
        Assert.Empty(Recorder.All);
        Assert.Equal(1, await bus.DeadLetters.CountAsync(Queue));

        Assert.Equal(Queue, letter.Queue);
        Assert.Equal("retries exhausted", letter.Reason);
        Assert.Equal(typeof(InvalidOperationException).FullName, letter.ExceptionType);
        Assert.Equal("payment gateway is down", letter.ExceptionMessage);
        Assert.NotNull(letter.StackTrace);
        Assert.Contains(nameof(AlwaysFail), letter.StackTrace, StringComparison.Ordinal);
        Assert.Contains(nameof(RecordingHandler), letter.StackTrace, StringComparison.Ordinal);
        Assert.Equal(9, letter.Attempts);
        Assert.NotNull(letter.DeadLetteredAt);
        Assert.Equal(Volatile.Read(ref messageId), letter.Envelope.MessageId);
        Assert.Equal(TestMessageNames.Command, letter.Envelope.MessageType);
        Assert.Equal("acme", letter.Envelope.Headers["x-tenant"]);
        Assert.Equal("conformance", letter.Envelope.Headers["x-origin"]);
        Assert.Equal(new TestCommand(1), RawEnvelopes.ReadCommand(letter.Envelope));
    }

    /// <summary>A handler that fails twice then succeeds handles the message once and dead-letters nothing.</summary>
    [Fact]
    public async Task A_message_that_fails_twice_then_succeeds_is_handled_once()
    {
        var attempts = 0;
        Behavior.Before = (_, _, _) => Interlocked.Increment(ref attempts) <= 2
            ? throw new InvalidOperationException("transient")
            : ValueTask.CompletedTask;
        var bus = await StartBusAsync(b => b.Endpoint(Queue, Recording(FastRetries)));

        await bus.Bus.SendAsync(Queue, new TestCommand(2));

        var handled = Assert.Single(await Recorder.WaitForCountAsync(1, Patience));
        Assert.Equal(new TestCommand(2), handled.Message);
        await Task.Delay(500);
        Assert.Single(Recorder.All);
        Assert.Equal(3, Volatile.Read(ref attempts));
        Assert.Equal(0, await bus.DeadLetters.CountAsync(Queue));
        Assert.Empty(await bus.DeadLetters.ListAsync(Queue));
    }

    /// <summary>
    /// With one worker, a poison message sent first does not hold up 200 good ones: they are all handled while the
    /// poison is still being retried.
    /// </summary>
    [Fact]
    public async Task A_poison_message_does_not_block_the_others()
    {
        var poisonAttempts = 0;
        Behavior.Before = (message, _, _) =>
        {
            if (message is TestCommand { Number: < 0 })
            {
                Interlocked.Increment(ref poisonAttempts);
                throw new InvalidOperationException("poison");
            }

            return ValueTask.CompletedTask;
        };
        var endless = new RetryPolicy { ImmediateRetries = 2, DelayedRetries = 1000, BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(200) };
        var bus = await StartBusAsync(b => b.Endpoint(Queue, Recording(endless, concurrency: 1)));

        await bus.Bus.SendAsync(Queue, new TestCommand(-1));
        for (var i = 0; i < 200; i++)
        {
            await bus.Bus.SendAsync(Queue, new TestCommand(i));
        }

        var good = await Recorder.WaitForCountAsync(200, Patience);
        Assert.Equal(0, await bus.DeadLetters.CountAsync(Queue));
        Assert.Equal(Enumerable.Range(0, 200), good.Select(h => Assert.IsType<TestCommand>(h.Message).Number).Order());
        await WaitForAsync(() => Volatile.Read(ref poisonAttempts) > 3, "the poison message's first delayed retry");
        Assert.Equal(200, Recorder.All.Count);
        Assert.Equal(0, await bus.DeadLetters.CountAsync(Queue));
    }

    /// <summary>An exception the policy calls permanent dead-letters the message at once, after one attempt.</summary>
    [Fact]
    public async Task A_permanent_failure_is_dead_lettered_after_one_attempt()
    {
        var attempts = 0;
        Behavior.Before = (_, _, _) =>
        {
            Interlocked.Increment(ref attempts);
            throw new ArgumentException("the amount is negative");
        };
        var policy = FastRetries with { IsPermanent = e => e is ArgumentException };
        var bus = await StartBusAsync(b => b.Endpoint(Queue, Recording(policy)));

        await bus.Bus.SendAsync(Queue, new TestCommand(3));

        var letter = Assert.Single(await WaitForDeadLettersAsync(bus.DeadLetters, Queue, 1));
        await Task.Delay(500);
        Assert.Equal(1, Volatile.Read(ref attempts));
        Assert.Equal("permanent failure", letter.Reason);
        Assert.Equal(1, letter.Attempts);
        Assert.Equal(typeof(ArgumentException).FullName, letter.ExceptionType);
        Assert.Equal("the amount is negative", letter.ExceptionMessage);
        Assert.Equal(1, await bus.DeadLetters.CountAsync(Queue));
        Assert.Empty(Recorder.All);
    }

    /// <summary>With <see cref="RetryPolicy.None"/> the first failure dead-letters the message.</summary>
    [Fact]
    public async Task With_no_retries_a_failure_is_dead_lettered_after_exactly_one_attempt()
    {
        var attempts = 0;
        Behavior.Before = (_, _, _) =>
        {
            Interlocked.Increment(ref attempts);
            throw new InvalidOperationException("no second chance");
        };
        var bus = await StartBusAsync(b => b.Endpoint(Queue, Recording(RetryPolicy.None)));

        await bus.Bus.SendAsync(Queue, new TestCommand(4));

        var letter = Assert.Single(await WaitForDeadLettersAsync(bus.DeadLetters, Queue, 1));
        await Task.Delay(500);
        Assert.Equal(1, Volatile.Read(ref attempts));
        Assert.Equal("retries exhausted", letter.Reason);
        Assert.Equal(1, letter.Attempts);
        Assert.Equal("no second chance", letter.ExceptionMessage);
        Assert.Equal(1, await bus.DeadLetters.CountAsync(Queue));
        Assert.Empty(Recorder.All);
    }

    // A named method, so that the dead letter's stack trace can be checked for it.
    private static ValueTask AlwaysFail(IMessageContext context, CancellationToken cancellationToken) =>
        throw new InvalidOperationException("payment gateway is down");
}
