using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Sqlite.Tests.Ordering;

/// <summary>
/// A dead-lettered message of an ordered queue parks its key: the key's later messages wait, other keys go on, until
/// the dead letter is re-driven (delivered first, then the rest in order) or deleted (skipped), or the queue purged.
/// </summary>
public sealed class ParkedKeyTests : IAsyncLifetime
{
    private OrderedQueue _queue = null!;
    private ITransportReceiver _receiver = null!;

    private IDeadLetterQueue DeadLetters => _queue.Transport.DeadLetters;

    public async Task InitializeAsync()
    {
        _queue = await OrderedQueue.StartAsync();
        _receiver = await _queue.ReceiverAsync();
    }

    public async Task DisposeAsync()
    {
        await _receiver.DisposeAsync();
        await _queue.DisposeAsync();
    }

    [Fact]
    public async Task A_dead_letter_parks_its_keys_later_messages_and_other_keys_go_on()
    {
        await _queue.SendAllAsync(("a1", "a"), ("b1", "b"), ("a2", "a"), ("b2", "b"), ("a3", "a"));

        await DeadLetterNextAsync("a1");
        Assert.Equal(["b1", "b2"], await _queue.ReceiveAndCompleteAsync(_receiver, 2));
        Assert.Empty(await _queue.ReceiveUntilMarkerAsync(_receiver));

        Assert.Equal([new ParkedKey("a", _queue.Name, "a1", Waiting: 2)], await _queue.Transport.ListParkedKeysAsync(_queue.Name));
        var letter = Assert.Single(await DeadLetters.ListAsync(_queue.Name));
        Assert.Equal("a", letter.OrderingKey);
        Assert.Equal(["a2,0,null", "a3,0,null"], _queue.Query("SELECT message_id || ',' || delivery_count || ',' || coalesce(lease, 'null') FROM sb_messages WHERE ordering_key = 'a' AND message_id <> 'a1' ORDER BY seq"));
        // The parked row is no message of the queue: neither ready nor scheduled.
        Assert.Equal(2, (await _queue.Transport.GetQueueStatisticsAsync(_queue.Name))!.Ready);
        Assert.Empty(await _queue.Transport.ListScheduledAsync(_queue.Name, 10));
    }

    [Fact]
    public async Task A_re_driven_dead_letter_is_delivered_first_then_its_keys_parked_messages_in_order()
    {
        await _queue.SendAllAsync(("a1", "a"), ("a2", "a"), ("a3", "a"));
        await DeadLetterNextAsync("a1");
        Assert.Empty(await _queue.ReceiveUntilMarkerAsync(_receiver));

        Assert.True(await DeadLetters.RedriveAsync(_queue.Name, "a1", _queue.Timeout));

        var redriven = await _queue.ReceiveAsync(_receiver);
        Assert.Equal(("a1", 1), (redriven.Envelope.MessageId, redriven.DeliveryCount));
        Assert.False(redriven.Envelope.Headers.ContainsKey(HeaderNames.DeadLetterReason));
        Assert.Equal("a", redriven.Envelope.Headers[HeaderNames.OrderingKey]);
        await redriven.CompleteAsync(_queue.Timeout);
        Assert.Equal(["a2", "a3"], await _queue.ReceiveAndCompleteAsync(_receiver, 2));
        Assert.Empty(await _queue.Transport.ListParkedKeysAsync(_queue.Name));
        Assert.Equal(0, await DeadLetters.CountAsync(_queue.Name));
    }

    [Fact]
    public async Task Deleting_the_dead_letter_skips_it_and_releases_its_keys_parked_messages()
    {
        await _queue.SendAllAsync(("a1", "a"), ("a2", "a"), ("a3", "a"));
        await DeadLetterNextAsync("a1");

        Assert.True(await DeadLetters.DeleteAsync(_queue.Name, "a1", _queue.Timeout));

        Assert.Empty(_queue.Query("SELECT message_id FROM sb_messages WHERE message_id = 'a1'"));
        Assert.Equal(["a2", "a3"], await _queue.ReceiveAndCompleteAsync(_receiver, 2));
        Assert.Empty(await _queue.Transport.ListParkedKeysAsync(_queue.Name));
    }

    [Fact]
    public async Task Purging_releases_every_parked_key()
    {
        await _queue.SendAllAsync(("a1", "a"), ("b1", "b"), ("a2", "a"), ("b2", "b"));
        await DeadLetterNextAsync("a1");
        await DeadLetterNextAsync("b1");
        Assert.Equal(2, (await _queue.Transport.ListParkedKeysAsync(_queue.Name)).Count);

        Assert.Equal(2, await DeadLetters.PurgeAsync(_queue.Name, _queue.Timeout));

        Assert.Equal(["a2", "b2"], await _queue.ReceiveAndCompleteAsync(_receiver, 2));
        Assert.Empty(await _queue.Transport.ListParkedKeysAsync(_queue.Name));
    }

    [Fact]
    public async Task Re_driving_all_puts_each_dead_letter_back_at_the_head_of_its_key()
    {
        await _queue.SendAllAsync(("a1", "a"), ("b1", "b"), ("a2", "a"), ("b2", "b"));
        await DeadLetterNextAsync("a1");
        await DeadLetterNextAsync("b1");
        Assert.Empty(await _queue.ReceiveUntilMarkerAsync(_receiver));

        Assert.Equal(2, await DeadLetters.RedriveAllAsync(_queue.Name, _queue.Timeout));

        var received = await _queue.ReceiveAndCompleteAsync(_receiver, 4);
        Assert.Equal(["a1", "a2"], received.Where(id => id.StartsWith('a')));
        Assert.Equal(["b1", "b2"], received.Where(id => id.StartsWith('b')));
    }

    [Fact]
    public async Task A_keyless_dead_letter_parks_nothing()
    {
        await _queue.SendAllAsync(("n1", null), ("n2", null));

        await DeadLetterNextAsync("n1");

        Assert.Equal(["n2"], await _queue.ReceiveAndCompleteAsync(_receiver, 1));
        Assert.Empty(await _queue.Transport.ListParkedKeysAsync(_queue.Name));
        Assert.Equal(["null"], _queue.Query("SELECT parked_seq FROM sb_dead_letters"));
        Assert.True(await DeadLetters.RedriveAsync(_queue.Name, "n1", _queue.Timeout));
        Assert.Equal(["n1"], await _queue.ReceiveAndCompleteAsync(_receiver, 1));
    }

    [Fact]
    public async Task A_dead_letter_of_an_unordered_queue_removes_its_message_and_keeps_its_key_for_information()
    {
        await _queue.Transport.DeclareEndpointAsync(new EndpointDeclaration(_queue.Name, []));
        await _queue.SendAllAsync(("a1", "a"), ("a2", "a"));

        await DeadLetterNextAsync("a1");

        Assert.Equal(["a2"], await _queue.ReceiveAndCompleteAsync(_receiver, 1));
        Assert.Equal(["a,null"], _queue.Query("SELECT ordering_key || ',' || coalesce(parked_seq, 'null') FROM sb_dead_letters"));
        Assert.Empty(await _queue.Transport.ListParkedKeysAsync(_queue.Name));
    }

    [Fact]
    public void The_parked_sentinel_is_the_same_in_code_and_in_sql() =>
        Assert.Equal(OrderedRows.ParkedVisibleAtSql, OrderedRows.ParkedVisibleAt.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private async Task DeadLetterNextAsync(string expectedId)
    {
        var message = await _queue.ReceiveAsync(_receiver);
        Assert.Equal(expectedId, message.Envelope.MessageId);
        await message.DeadLetterAsync(new DeadLetterReason("test"), _queue.Timeout);
        // Settlements are not awaited to disk; the dead letter is there once its batch committed.
        await OrderedQueue.WaitUntilAsync(
            () => _queue.Query($"SELECT COUNT(*) FROM sb_dead_letters WHERE message_id = '{expectedId}'") is ["1"],
            $"{expectedId} is dead-lettered");
    }
}
