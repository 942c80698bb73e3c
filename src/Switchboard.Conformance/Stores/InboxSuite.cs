using Switchboard.Persistence;
using Xunit;

namespace Switchboard.Conformance.Stores;

/// <summary>
/// The inbox below the bus: a handled message id is recorded with the unit of work, per endpoint; a concurrent
/// record of the same id waits for the first to commit or roll back instead of guessing; a blank id is refused.
/// </summary>
public abstract class InboxSuite<TFactory> : StoreSuite<TFactory>
    where TFactory : IStoreFactory, new()
{
    private const string Endpoint = "inbox-orders";

    /// <summary>
    /// Disposing a store a second time is harmless: the container disposes it once per contract it was resolved as
    /// (the suite disposes it a third time at the end of the test).
    /// </summary>
    [Fact]
    public async Task Disposing_a_store_twice_is_harmless()
    {
        var store = await OpenStoreAsync();
        Assert.False(await store.WasHandledAsync(Endpoint, "m-dispose"));

        await store.DisposeAsync();
        await store.DisposeAsync();
    }

    /// <summary>A committed record is handled: seen outside any transaction, and a duplicate in a new transaction.</summary>
    [Fact]
    public async Task A_committed_record_is_handled_and_a_second_record_is_a_duplicate()
    {
        var store = await OpenStoreAsync();
        var id = NewId();
        Assert.False(await store.WasHandledAsync(Endpoint, id));

        await using (var transaction = await store.BeginAsync())
        {
            Assert.True(await transaction.TryRecordHandledAsync(Endpoint, id));
            await transaction.CommitAsync();
        }

        Assert.True(await store.WasHandledAsync(Endpoint, id));
        await using (var transaction = await store.BeginAsync())
        {
            Assert.False(await transaction.TryRecordHandledAsync(Endpoint, id));
        }

        Assert.True(await store.WasHandledAsync(Endpoint, id));
    }

    /// <summary>A record not yet committed does not count as handled.</summary>
    [Fact]
    public async Task An_uncommitted_record_is_not_yet_handled()
    {
        var store = await OpenStoreAsync();
        var id = NewId();

        await using (var transaction = await store.BeginAsync())
        {
            Assert.True(await transaction.TryRecordHandledAsync(Endpoint, id));
            Assert.False(await Task.Run(() => store.WasHandledAsync(Endpoint, id).AsTask()).WaitAsync(Patience));
            await transaction.CommitAsync();
        }

        Assert.True(await store.WasHandledAsync(Endpoint, id));
    }

    /// <summary>A transaction disposed without committing forgets its record: the id can be recorded again.</summary>
    [Fact]
    public async Task A_rolled_back_record_is_forgotten()
    {
        var store = await OpenStoreAsync();
        var id = NewId();

        await using (var transaction = await store.BeginAsync())
        {
            Assert.True(await transaction.TryRecordHandledAsync(Endpoint, id));
        }

        Assert.False(await store.WasHandledAsync(Endpoint, id));
        await using (var transaction = await store.BeginAsync())
        {
            Assert.True(await transaction.TryRecordHandledAsync(Endpoint, id));
            await transaction.CommitAsync();
        }

        Assert.True(await store.WasHandledAsync(Endpoint, id));
    }

    /// <summary>
    /// While one transaction holds an uncommitted record, a second record of the same id must not call it a
    /// duplicate: it waits, and when the first rolls back it records the id itself.
    /// </summary>
    [Fact]
    public async Task A_concurrent_record_waits_for_an_uncommitted_one_and_wins_when_it_rolls_back()
    {
        var store = await OpenStoreAsync();
        var id = NewId();
        var first = await store.BeginAsync();
        var firstEnded = false;
        try
        {
            Assert.True(await first.TryRecordHandledAsync(Endpoint, id));
            var second = await store.BeginAsync();
            await using (second)
            {
                // A database blocks the second insert until the first ends: start it, then end the first.
                var racing = Task.Run(() => second.TryRecordHandledAsync(Endpoint, id).AsTask());
                await Task.Delay(300);
                if (racing.IsCompleted)
                {
                    Assert.True(await racing, "The second record returned false (a duplicate) while the first was still uncommitted.");
                }

                await first.DisposeAsync();
                firstEnded = true;

                Assert.True(await racing.WaitAsync(Patience), "The second record returned false (a duplicate) although the first rolled back.");
                await second.CommitAsync();
            }
        }
        finally
        {
            if (!firstEnded)
            {
                await first.DisposeAsync();
            }
        }

        Assert.True(await store.WasHandledAsync(Endpoint, id));
    }

    /// <summary>
    /// While one transaction holds an uncommitted record, a second record of the same id cannot win: once the first
    /// commits, the second either reports a duplicate (a store that waits, like PostgreSQL) or, when it recorded
    /// optimistically (SQLite defers its writes to the commit), its commit fails with a concurrency conflict.
    /// </summary>
    [Fact]
    public async Task A_concurrent_record_waits_for_an_uncommitted_one_and_is_a_duplicate_when_it_commits()
    {
        var store = await OpenStoreAsync();
        var id = NewId();
        var first = await store.BeginAsync();
        await using (first)
        {
            Assert.True(await first.TryRecordHandledAsync(Endpoint, id));
            var second = await store.BeginAsync();
            await using (second)
            {
                var racing = Task.Run(() => second.TryRecordHandledAsync(Endpoint, id).AsTask());
                await Task.Delay(300);
                await first.CommitAsync();

                if (await racing.WaitAsync(Patience))
                {
                    await Assert.ThrowsAsync<ConcurrencyConflictException>(async () => await second.CommitAsync());
                }
            }
        }

        Assert.True(await store.WasHandledAsync(Endpoint, id));
    }

    /// <summary>The inbox is per endpoint: the same message id recorded at one endpoint is new to another.</summary>
    [Fact]
    public async Task The_same_message_id_at_two_endpoints_is_independent()
    {
        var store = await OpenStoreAsync();
        var id = NewId();

        await using (var transaction = await store.BeginAsync())
        {
            Assert.True(await transaction.TryRecordHandledAsync("inbox-a", id));
            await transaction.CommitAsync();
        }

        Assert.True(await store.WasHandledAsync("inbox-a", id));
        Assert.False(await store.WasHandledAsync("inbox-b", id));
        await using (var transaction = await store.BeginAsync())
        {
            Assert.True(await transaction.TryRecordHandledAsync("inbox-b", id));
            await transaction.CommitAsync();
        }

        Assert.True(await store.WasHandledAsync("inbox-a", id));
        Assert.True(await store.WasHandledAsync("inbox-b", id));
        Assert.False(await store.WasHandledAsync("inbox-c", id));
    }

    /// <summary>
    /// Purging forgets records older than the given moment and returns how many: a moment in the past forgets
    /// none of today's, a moment in the future forgets everything committed so far, which can then be recorded again.
    /// </summary>
    [Fact]
    public async Task Purging_forgets_records_older_than_the_given_moment()
    {
        var store = await OpenStoreAsync();
        var ids = new[] { NewId(), NewId(), NewId() };
        await using (var transaction = await store.BeginAsync())
        {
            Assert.True(await transaction.TryRecordHandledAsync(Endpoint, ids[0]));
            Assert.True(await transaction.TryRecordHandledAsync("inbox-other", ids[1]));
            await transaction.CommitAsync();
        }

        await using (var transaction = await store.BeginAsync())
        {
            Assert.True(await transaction.TryRecordHandledAsync(Endpoint, ids[2]));
            await transaction.CommitAsync();
        }

        Assert.Equal(0, await store.PurgeInboxAsync(DateTimeOffset.UtcNow.AddHours(-1)));
        Assert.True(await store.WasHandledAsync(Endpoint, ids[0]));
        Assert.True(await store.WasHandledAsync("inbox-other", ids[1]));
        Assert.True(await store.WasHandledAsync(Endpoint, ids[2]));

        Assert.Equal(3, await store.PurgeInboxAsync(DateTimeOffset.UtcNow.AddHours(1)));
        Assert.False(await store.WasHandledAsync(Endpoint, ids[0]));
        Assert.False(await store.WasHandledAsync("inbox-other", ids[1]));
        Assert.False(await store.WasHandledAsync(Endpoint, ids[2]));
        Assert.Equal(0, await store.PurgeInboxAsync(DateTimeOffset.UtcNow.AddHours(1)));

        await using (var transaction = await store.BeginAsync())
        {
            Assert.True(await transaction.TryRecordHandledAsync(Endpoint, ids[0]));
            await transaction.CommitAsync();
        }

        Assert.True(await store.WasHandledAsync(Endpoint, ids[0]));
    }

    /// <summary>
    /// The inbox never deduplicates a message without an id: asking about or recording a null, empty or blank id is
    /// an <see cref="ArgumentException"/>, and the refused record leaves the unit of work usable.
    /// </summary>
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task A_message_without_an_id_is_refused_not_recorded(string? blank)
    {
        var store = await OpenStoreAsync();
        var id = NewId();

        await Assert.ThrowsAnyAsync<ArgumentException>(async () => await store.WasHandledAsync(Endpoint, blank!));
        await using (var transaction = await store.BeginAsync())
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(async () => await transaction.TryRecordHandledAsync(Endpoint, blank!));
            Assert.True(await transaction.TryRecordHandledAsync(Endpoint, id));
            await transaction.CommitAsync();
        }

        Assert.True(await store.WasHandledAsync(Endpoint, id));
        await using (var transaction = await store.BeginAsync())
        {
            await Assert.ThrowsAnyAsync<ArgumentException>(async () => await transaction.TryRecordHandledAsync(Endpoint, blank!));
        }
    }

    private static string NewId() => Guid.NewGuid().ToString();
}
