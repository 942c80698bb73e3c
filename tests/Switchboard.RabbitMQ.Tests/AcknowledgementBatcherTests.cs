using System.Collections.Concurrent;

namespace Switchboard.RabbitMQ.Tests;

/// <summary>The rules by which settlements become frames, against a recording sender (no broker).</summary>
public sealed class AcknowledgementBatcherTests
{
    private readonly ConcurrentQueue<(ulong Tag, bool Multiple, bool Requeue)> _sent = new();

    [Fact]
    public async Task A_run_settled_at_the_head_goes_as_one_multiple_acknowledgement()
    {
        var gate = new TaskCompletionSource();
        var batcher = Batcher(prefetch: 64, gate.Task);
        Deliver(batcher, 1, 5);

        // The first round waits on the gate, so the rest of the settlements meet in the next one.
        batcher.Acknowledge(1);
        await WaitForAsync(() => _sent.Count == 1);
        foreach (var tag in new ulong[] { 3, 2, 5, 4 })
        {
            batcher.Acknowledge(tag);
        }

        gate.SetResult();
        await batcher.CompleteAsync();

        Assert.Equal([(1UL, true, false), (5UL, true, false)], _sent);
    }

    [Fact]
    public async Task A_requeue_is_never_covered_by_a_multiple_acknowledgement()
    {
        var batcher = Batcher(prefetch: 64, Task.CompletedTask);
        Deliver(batcher, 1, 4);
        batcher.Acknowledge(2);
        batcher.Requeue(3);
        batcher.Acknowledge(4);
        batcher.Acknowledge(1);
        await batcher.CompleteAsync();

        // Whatever the rounds were: every tag is settled once, 3 is requeued, and no multiple ack reaches past
        // 3 before its requeue went out.
        var requeueAt = _sent.ToList().FindIndex(s => s.Requeue);
        Assert.Equal((3UL, false, true), _sent.ElementAt(requeueAt));
        Assert.DoesNotContain(_sent.Take(requeueAt), s => s.Multiple && s.Tag >= 3);
        Assert.Equal([1UL, 2, 3, 4], Covered());
    }

    [Fact]
    public async Task Settlements_behind_a_slow_delivery_wait_only_up_to_half_the_prefetch()
    {
        var batcher = Batcher(prefetch: 4, Task.CompletedTask);
        Deliver(batcher, 1, 4);
        batcher.Acknowledge(2);
        batcher.Acknowledge(3);
        await Task.Delay(100);
        Assert.Empty(_sent); // two held: still within prefetch / 2

        batcher.Acknowledge(4);
        await WaitForAsync(() => _sent.Count == 3);
        Assert.All(_sent, s => Assert.False(s.Multiple)); // the slow head (1) is not covered

        batcher.Acknowledge(1);
        await batcher.CompleteAsync();
        Assert.Equal((1UL, true, false), _sent.Last());
        Assert.Equal([1UL, 2, 3, 4], Covered());
    }

    [Fact]
    public async Task Completing_sends_what_waits_behind_an_unsettled_delivery_and_leaves_that_one_to_the_broker()
    {
        var batcher = Batcher(prefetch: 64, Task.CompletedTask);
        Deliver(batcher, 1, 3);
        batcher.Acknowledge(2);
        batcher.Requeue(3);
        await batcher.CompleteAsync();

        Assert.Equal([(2UL, false, false), (3UL, false, true)], _sent.OrderBy(s => s.Tag));
    }

    private AcknowledgementBatcher Batcher(int prefetch, Task gate) =>
        new(async (tag, multiple, requeue) =>
        {
            _sent.Enqueue((tag, multiple, requeue));
            await gate;
        }, prefetch);

    private static void Deliver(AcknowledgementBatcher batcher, ulong first, ulong last)
    {
        for (var tag = first; tag <= last; tag++)
        {
            batcher.Delivered(tag);
        }
    }

    // The tags the frames settled, each exactly once: a multiple ack covers every tag up to it not settled before.
    private List<ulong> Covered()
    {
        var covered = new List<ulong>();
        foreach (var (tag, multiple, _) in _sent)
        {
            var from = multiple ? 1UL : tag;
            for (var t = from; t <= tag; t++)
            {
                if (!covered.Contains(t))
                {
                    covered.Add(t);
                }
                else if (!multiple)
                {
                    Assert.Fail($"tag {t} settled twice");
                }
            }
        }

        covered.Sort();
        return covered;
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 500 && !condition(); i++)
        {
            await Task.Delay(10);
        }

        Assert.True(condition());
    }
}
