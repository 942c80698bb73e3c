using System.Collections.Concurrent;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Persistence;
using Switchboard.Sending;

namespace Switchboard.Tests.Sending;

/// <summary>Dispatched rows leave the outbox in batches, all of them, and a stopped cleanup hands deletes back.</summary>
public sealed class OutboxCleanupTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Units_that_dispatch_while_a_delete_runs_are_removed_together_by_the_next_one()
    {
        var outbox = new RecordingOutbox();
        var cleanup = new OutboxCleanup(outbox, NullLogger.Instance);

        Assert.True(await cleanup.RemoveAsync(["first"]));
        await outbox.Started.WaitAsync(Patience);
        for (var unit = 0; unit < 10; unit++)
        {
            Assert.True(await cleanup.RemoveAsync([$"u{unit}-a", $"u{unit}-b"]));
        }

        outbox.Release();
        await cleanup.StopAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Equal(2, outbox.Deletes.Count);
        Assert.Equal(["first"], outbox.Deletes.First());
        Assert.Equal(Enumerable.Range(0, 10).SelectMany(u => new[] { $"u{u}-a", $"u{u}-b" }), outbox.Deletes.Last());
    }

    [Fact]
    public async Task A_delete_takes_at_most_the_batch_size_unless_one_unit_alone_is_larger()
    {
        var outbox = new RecordingOutbox();
        var cleanup = new OutboxCleanup(outbox, NullLogger.Instance);
        Assert.True(await cleanup.RemoveAsync(["first"]));
        await outbox.Started.WaitAsync(Patience);
        var unit = Enumerable.Range(0, 600).Select(i => $"id-{i}").ToArray();
        var large = Enumerable.Range(0, OutboxCleanup.MaxBatch + 5).Select(i => $"large-{i}").ToArray();
        Assert.True(await cleanup.RemoveAsync(unit));
        Assert.True(await cleanup.RemoveAsync([.. unit.Select(i => i + "-2")]));
        Assert.True(await cleanup.RemoveAsync(large));

        outbox.Release();
        await cleanup.StopAsync(CancellationToken.None).WaitAsync(Patience);

        Assert.Equal([1, 600, 600, OutboxCleanup.MaxBatch + 5], outbox.Deletes.Select(d => d.Count));
    }

    [Fact]
    public async Task After_it_stopped_it_hands_deletes_back_and_a_stop_that_cannot_wait_leaves_the_rest_to_the_relay()
    {
        var outbox = new RecordingOutbox();
        var cleanup = new OutboxCleanup(outbox, NullLogger.Instance);
        Assert.True(await cleanup.RemoveAsync(["stuck"]));
        await outbox.Started.WaitAsync(Patience);
        Assert.True(await cleanup.RemoveAsync(["queued"]));

        // The delete hangs (the database is away): the stop gives up when told to.
        using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await cleanup.StopAsync(impatient.Token).WaitAsync(Patience);

        Assert.False(await cleanup.RemoveAsync(["late"]));
        Assert.DoesNotContain(outbox.Deletes, d => d.Contains("queued") || d.Contains("late"));
    }

    private sealed class RecordingOutbox : IOutboxStore
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ConcurrentQueue<IReadOnlyCollection<string>> Deletes { get; } = new();

        public Task Started => _started.Task;

        public void Release() => _release.TrySetResult();

        // The first delete waits for Release (or for its cancellation); the others return at once.
        public async ValueTask MarkDispatchedAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
        {
            var first = _started.TrySetResult();
            if (first)
            {
                await _release.Task.WaitAsync(cancellationToken);
            }

            Deletes.Enqueue(messageIds);
        }

        public ValueTask<IReadOnlyList<OutboxEntry>> ClaimDueAsync(int max, TimeSpan minimumAge, TimeSpan claimFor, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask MarkFailedAsync(string messageId, string error, DateTimeOffset retryAt, bool quarantine, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<OutboxStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<IReadOnlyList<OutboxEntry>> ListQuarantinedAsync(int max, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<int> ReleaseQuarantinedAsync(IReadOnlyCollection<string>? messageIds = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
