using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Sqlite.Tests;

/// <summary>
/// Messages sent to a queue whose local receiver has nothing left to claim and has room go to it without a claim
/// (<c>MessageRows</c>' hand-offs); everything else keeps going through the table in order.
/// </summary>
public sealed class HandOffTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string _path = TestDatabase.NewPath();
    private readonly string _queue = "hand-off-" + Guid.NewGuid().ToString("N");
    private readonly TaggedCounter _handOffs;
    private SqliteTransport? _transport;

    public HandOffTests() => _handOffs = new TaggedCounter("switchboard.sqlite.writer.hand_offs", "messaging.destination.name", _queue);

    public async Task InitializeAsync()
    {
        _transport = new SqliteTransport(new SqliteTransportOptions { Path = _path });
        await _transport.StartAsync();
        await _transport.DeclareEndpointAsync(new EndpointDeclaration(_queue, []));
    }

    public async Task DisposeAsync()
    {
        _handOffs.Dispose();
        if (_transport is not null)
        {
            await _transport.DisposeAsync();
        }

        TestDatabase.Delete(_path);
    }

    [Fact]
    public async Task A_message_for_an_idle_local_receiver_is_handed_to_it_leased_once_without_a_claim()
    {
        await using var receiver = await _transport!.CreateReceiverAsync(_queue, new ReceiverOptions(16));
        using var patience = new CancellationTokenSource(Patience);

        // A send is handed off only when the receiver is idle: its last claim found the queue drained and it waits
        // with all its room free. The receiver's first claim may still be pending when the first message is sent, and
        // after each claimed message its next claim races the test's completion and send: when that claim has taken
        // the room first, the message goes through the table and is claimed, which is correct too. On a busy thread
        // pool the receiver's loop and the writer's wake-up queue behind the test, and that can repeat for hundreds of
        // sends (261 once, in the whole project's run). So the test sends until one is handed off, within its patience.
        var sent = 0;
        while (_handOffs.Total == 0)
        {
            await _transport.SendAsync(_queue, Envelope($"m{sent++}"), cancellationToken: patience.Token);
            var message = await receiver.ReceiveAsync(patience.Token);
            Assert.Equal($"m{sent - 1}", message.Envelope.MessageId);
            Assert.Equal(1, message.DeliveryCount);
            Assert.Equal(1L, Query($"SELECT lease IS NOT NULL AND delivery_count = 1 AND visible_at > {DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()} FROM sb_messages WHERE message_id = 'm{sent - 1}'"));
            await message.CompleteAsync(patience.Token);
        }

        await WaitUntilAsync(() => Query("SELECT COUNT(*) FROM sb_messages") is 0L, "the completed messages' rows are deleted");
    }

    [Fact]
    public async Task A_full_receiver_gets_later_messages_by_claims_in_the_order_they_were_sent()
    {
        await using var receiver = await _transport!.CreateReceiverAsync(_queue, new ReceiverOptions(2));
        using var patience = new CancellationTokenSource(Patience);
        var ids = Enumerable.Range(0, 20).Select(i => $"m{i:D2}").ToList();
        foreach (var id in ids)
        {
            await _transport.SendAsync(_queue, Envelope(id), cancellationToken: patience.Token);
        }

        var received = new List<string>();
        while (received.Count < ids.Count)
        {
            var message = await receiver.ReceiveAsync(patience.Token);
            received.Add(message.Envelope.MessageId);
            Assert.Equal(1, message.DeliveryCount);
            await message.CompleteAsync(patience.Token);
        }

        Assert.Equal(ids, received);
        Assert.InRange(_handOffs.Total, 0, 2);
    }

    [Fact]
    public async Task A_handed_off_message_left_unsettled_is_delivered_again_after_its_receiver_stops()
    {
        using var patience = new CancellationTokenSource(Patience);
        var receiver = await _transport!.CreateReceiverAsync(_queue, new ReceiverOptions(16));
        var sent = 0;
        IncomingMessage held;
        while (true)
        {
            await _transport.SendAsync(_queue, Envelope($"m{sent++}"), cancellationToken: patience.Token);
            held = await receiver.ReceiveAsync(patience.Token);
            if (_handOffs.Total > 0)
            {
                break;
            }

            await held.CompleteAsync(patience.Token);
        }

        await receiver.DisposeAsync();

        await using var next = await _transport.CreateReceiverAsync(_queue, new ReceiverOptions(16));
        var again = await next.ReceiveAsync(patience.Token);
        Assert.Equal(held.Envelope.MessageId, again.Envelope.MessageId);
        Assert.Equal(2, again.DeliveryCount);
        await again.CompleteAsync(patience.Token);
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(20);
        }
    }

    private object? Query(string sql)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }

    private static Envelope Envelope(string id) => new()
    {
        MessageId = id,
        MessageType = "tests.hand-off.v1",
        SentAt = DateTimeOffset.UtcNow,
        Body = "{}"u8.ToArray(),
        ContentType = "application/json",
    };
}
