using Switchboard.Conformance.Harness;
using Switchboard.Transport;
using Xunit;

namespace Switchboard.Conformance.Transports;

/// <summary>
/// What becomes of a delivered message: unsettled ones come back when their consumer goes away, abandon and
/// defer return it, complete removes it, and only the first settlement counts.
/// </summary>
public abstract class RedeliverySuite<TFactory> : TransportSuite<TFactory>
    where TFactory : ITransportFactory, new()
{
    private const string Queue = "redelivery";

    /// <summary>A message received and never settled is delivered again, with delivery count 2, once its receiver is disposed.</summary>
    [Fact]
    public async Task An_unsettled_message_is_redelivered_after_its_receiver_is_disposed()
    {
        await using var transport = await StartTransportAsync();
        var sent = RawEnvelopes.Command(1);
        await transport.SendAsync(Queue, sent);

        var first = await transport.CreateReceiverAsync(Queue, new ReceiverOptions());
        var delivered = await ReceiveAsync(first);
        Assert.Equal(sent.MessageId, delivered.Envelope.MessageId);
        Assert.Equal(1, delivered.DeliveryCount);
        await first.DisposeAsync();

        await using var second = await transport.CreateReceiverAsync(Queue, new ReceiverOptions());
        var redelivered = await ReceiveAsync(second);
        Assert.Equal(sent.MessageId, redelivered.Envelope.MessageId);
        Assert.Equal(new TestCommand(1), RawEnvelopes.ReadCommand(redelivered.Envelope));
        Assert.Equal(2, redelivered.DeliveryCount);
        await redelivered.CompleteAsync();
    }

    /// <summary>An abandoned message can be received again at once, with a higher delivery count.</summary>
    [Fact]
    public async Task An_abandoned_message_is_delivered_again_with_a_higher_delivery_count()
    {
        await using var transport = await StartTransportAsync();
        var sent = RawEnvelopes.Command(2);
        await transport.SendAsync(Queue, sent);
        await using var receiver = await transport.CreateReceiverAsync(Queue, new ReceiverOptions());

        var delivered = await ReceiveAsync(receiver);
        var firstCount = delivered.DeliveryCount;
        Assert.Equal(1, firstCount);
        await delivered.AbandonAsync();
        var again = await ReceiveAsync(receiver);

        Assert.Equal(sent.MessageId, again.Envelope.MessageId);
        Assert.True(again.DeliveryCount > firstCount, $"Delivery count went from {firstCount} to {again.DeliveryCount}.");
        await again.CompleteAsync();
    }

    /// <summary>A delivery's count is that of its own delivery: it does not change when the message is delivered again.</summary>
    [Fact]
    public async Task A_delivery_keeps_its_delivery_count_when_the_message_is_delivered_again()
    {
        await using var transport = await StartTransportAsync();
        await transport.SendAsync(Queue, RawEnvelopes.Command(9));
        await using var receiver = await transport.CreateReceiverAsync(Queue, new ReceiverOptions());

        var delivered = await ReceiveAsync(receiver);
        await delivered.AbandonAsync();
        var again = await ReceiveAsync(receiver);

        Assert.Equal(2, again.DeliveryCount);
        Assert.Equal(1, delivered.DeliveryCount);
        await again.CompleteAsync();
    }

    /// <summary>A completed message is gone: neither its receiver nor a later one gets it again.</summary>
    [Fact]
    public async Task A_completed_message_is_removed_from_the_queue()
    {
        await using var transport = await StartTransportAsync();
        await transport.SendAsync(Queue, RawEnvelopes.Command(3));

        var first = await transport.CreateReceiverAsync(Queue, new ReceiverOptions());
        var delivered = await ReceiveAsync(first);
        await delivered.CompleteAsync();
        await AssertNothingReceivedAsync(first);
        await first.DisposeAsync();

        await using var second = await transport.CreateReceiverAsync(Queue, new ReceiverOptions());
        await AssertNothingReceivedAsync(second);
    }

    /// <summary>A deferred message comes back no earlier than the delay, carrying the envelope given to defer.</summary>
    [Fact]
    public async Task A_deferred_message_is_redelivered_after_the_delay_with_the_new_envelope()
    {
        await using var transport = await StartTransportAsync();
        var sent = RawEnvelopes.Command(4);
        await transport.SendAsync(Queue, sent);
        await using var receiver = await transport.CreateReceiverAsync(Queue, new ReceiverOptions());
        var delivered = await ReceiveAsync(receiver);

        var delay = TimeSpan.FromSeconds(1);
        var before = DateTimeOffset.UtcNow;
        await delivered.DeferAsync(delay, delivered.Envelope.WithHeader("x-deferred", "once"));
        var again = await ReceiveAsync(receiver);
        var at = DateTimeOffset.UtcNow;

        Assert.True(at >= before + delay, $"Redelivered {(before + delay - at).TotalMilliseconds:F1} ms early.");
        Assert.Equal(sent.MessageId, again.Envelope.MessageId);
        Assert.Equal("once", again.Envelope.Headers["x-deferred"]);
        Assert.Equal(new TestCommand(4), RawEnvelopes.ReadCommand(again.Envelope));
        await again.CompleteAsync();
    }

    /// <summary>Only the first settlement counts: abandoning a completed message does not bring it back.</summary>
    [Fact]
    public async Task Abandoning_a_completed_message_has_no_effect()
    {
        await using var transport = await StartTransportAsync();
        await transport.SendAsync(Queue, RawEnvelopes.Command(5));
        var first = await transport.CreateReceiverAsync(Queue, new ReceiverOptions());

        var delivered = await ReceiveAsync(first);
        await delivered.CompleteAsync();
        await delivered.AbandonAsync();
        await AssertNothingReceivedAsync(first);
        await first.DisposeAsync();

        await using var second = await transport.CreateReceiverAsync(Queue, new ReceiverOptions());
        await AssertNothingReceivedAsync(second);
    }

    /// <summary>Only the first settlement counts: completing an abandoned message does not remove it.</summary>
    [Fact]
    public async Task Completing_an_abandoned_message_has_no_effect()
    {
        await using var transport = await StartTransportAsync();
        var sent = RawEnvelopes.Command(6);
        await transport.SendAsync(Queue, sent);
        await using var receiver = await transport.CreateReceiverAsync(Queue, new ReceiverOptions());

        var delivered = await ReceiveAsync(receiver);
        await delivered.AbandonAsync();
        await delivered.CompleteAsync();

        var again = await ReceiveAsync(receiver);
        Assert.Equal(sent.MessageId, again.Envelope.MessageId);
        await again.CompleteAsync();
    }

    /// <summary>A settlement made after the receiver was disposed is ignored: the message was already returned.</summary>
    [Fact]
    public async Task Completing_after_the_receiver_was_disposed_has_no_effect()
    {
        await using var transport = await StartTransportAsync();
        var sent = RawEnvelopes.Command(7);
        await transport.SendAsync(Queue, sent);

        var first = await transport.CreateReceiverAsync(Queue, new ReceiverOptions());
        var delivered = await ReceiveAsync(first);
        await first.DisposeAsync();
        await delivered.CompleteAsync();

        await using var second = await transport.CreateReceiverAsync(Queue, new ReceiverOptions());
        var again = await ReceiveAsync(second);
        Assert.Equal(sent.MessageId, again.Envelope.MessageId);
        Assert.Equal(2, again.DeliveryCount);
        await again.CompleteAsync();
    }

    /// <summary>
    /// A bus stopped while its handler is blocked past the shutdown timeout does not lose the message: a bus
    /// started afterwards on the same endpoint handles it as a redelivery.
    /// </summary>
    [Fact]
    public async Task A_message_whose_handler_outlives_the_shutdown_timeout_is_handled_by_the_next_bus()
    {
        var blocking = true;
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Behavior.Before = async (_, _, ct) =>
        {
            if (Volatile.Read(ref blocking))
            {
                blocked.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }
        };
        var first = await StartBusAsync(b => b.Configure(o => o with { ShutdownTimeout = TimeSpan.FromMilliseconds(300) }).Endpoint("work", Recording()), "first");

        await first.Bus.SendAsync("work", new TestCommand(8));
        await blocked.Task.WaitAsync(Patience);
        await first.StopAsync();
        Assert.Empty(Recorder.All);

        Volatile.Write(ref blocking, false);
        var second = await StartBusAsync(b => b.Endpoint("work", Recording()), "second");

        var handled = Assert.Single(await Recorder.WaitForCountAsync(1, Patience));
        Assert.Equal(new TestCommand(8), handled.Message);
        Assert.Equal(second.Name, handled.Consumer);
        Assert.True(handled.DeliveryCount >= 2, $"Delivery count {handled.DeliveryCount}; the redelivery was not counted.");
    }

    private async Task<ITransport> StartTransportAsync()
    {
        var transport = Scope.CreateTransport();
        await transport.StartAsync();
        await transport.DeclareEndpointAsync(new EndpointDeclaration(Queue, []));
        return transport;
    }

    private static async Task<IncomingMessage> ReceiveAsync(ITransportReceiver receiver)
    {
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            return await receiver.ReceiveAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"No message was delivered within {Patience}.");
        }
    }

    private static async Task AssertNothingReceivedAsync(ITransportReceiver receiver)
    {
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receiver.ReceiveAsync(quiet.Token).AsTask());
    }
}
