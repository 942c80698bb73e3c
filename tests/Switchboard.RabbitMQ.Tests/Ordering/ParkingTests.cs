using System.Diagnostics;
using System.Text;
using global::RabbitMQ.Client;
using Switchboard.Messages;
using Switchboard.RabbitMQ.Ordering;
using Switchboard.RabbitMQ.Topology;
using Switchboard.Transport;
using Xunit.Abstractions;

namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary>
/// The storage of key-ordered dead letters on the broker: the parking log, the parked-message queues, and the
/// dead-letter API of an ordered queue (skips on delete and purge, parked keys). Each test has a vhost of its own and
/// declares the part of an ordered endpoint's topology it needs the way the topology does.
/// </summary>
public sealed class ParkingTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Queue = "payments";
    private readonly string _vhost = "sb-park-" + Guid.NewGuid().ToString("N")[..8];
    private IConnection? _connection;
    private AmqpPublisher? _publisher;

    private IConnection Connection => _connection!;

    private AmqpPublisher Publisher => _publisher!;

    public async Task InitializeAsync()
    {
        await TestBroker.CreateVhostAsync(_vhost);
        _connection = await ConnectAsync();
        _publisher = await AmqpPublisher.CreateAsync(_connection, Options, CancellationToken.None);
        await using var channel = await Connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(OrderingNames.ParkingExchange(Queue), ExchangeType.Direct, durable: true);
        await channel.QueueDeclareAsync(OrderingNames.ParkingLog(Queue), durable: true, exclusive: false, autoDelete: false, new Dictionary<string, object?> { ["x-queue-type"] = "stream" });
        await channel.QueueBindAsync(OrderingNames.ParkingLog(Queue), OrderingNames.ParkingExchange(Queue), OrderingNames.ParkingLog(Queue));
    }

    public async Task DisposeAsync()
    {
        if (_publisher is not null)
        {
            await _publisher.DisposeAsync();
        }

        if (_connection is not null)
        {
            await _connection.CloseAsync();
            await _connection.DisposeAsync();
        }

        await TestBroker.DeleteVhostAsync(_vhost);
    }

    [Fact]
    public async Task The_log_folds_to_the_keys_parked_now_in_the_order_they_were_last_parked()
    {
        var log = new ParkingLog(Connection, Publisher, Queue);
        Assert.Empty(await log.ReadAsync(CancellationToken.None));

        await log.AppendAsync(ParkingRecord.Parked("a", "d1"), CancellationToken.None);
        await log.AppendAsync(ParkingRecord.Parked("b", "d2"), CancellationToken.None);
        await log.AppendAsync(ParkingRecord.Parked("c", "d3"), CancellationToken.None);
        await log.AppendAsync(ParkingRecord.Draining("b", "d2"), CancellationToken.None);
        await log.AppendAsync(ParkingRecord.Draining("a", "d1"), CancellationToken.None);
        await log.AppendAsync(ParkingRecord.Released("a"), CancellationToken.None);
        await log.AppendAsync(ParkingRecord.Parked("a", "d4"), CancellationToken.None);     // parked again, by a later message
        await log.AppendAsync(ParkingRecord.Released("c"), CancellationToken.None);

        Assert.Equal(
            [new ParkedKeyState("b", "d2", Draining: true), new ParkedKeyState("a", "d4", Draining: false)],
            await log.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task A_key_parked_again_while_draining_is_parked_by_its_new_dead_letter_and_moves_to_the_end()
    {
        var log = new ParkingLog(Connection, Publisher, Queue);
        await log.AppendAsync(ParkingRecord.Parked("a", "d1"), CancellationToken.None);
        await log.AppendAsync(ParkingRecord.Parked("b", "d2"), CancellationToken.None);
        await log.AppendAsync(ParkingRecord.Draining("a", "d1"), CancellationToken.None);
        await log.AppendAsync(ParkingRecord.Parked("a", "d5"), CancellationToken.None);     // a drained message failed for good

        Assert.Equal(
            [new ParkedKeyState("b", "d2", Draining: false), new ParkedKeyState("a", "d5", Draining: false)],
            await log.ReadAsync(CancellationToken.None));
    }

    [Fact]
    public void Folding_keeps_a_draining_key_without_a_parked_record_and_ignores_releasing_an_unknown_key()
    {
        Assert.Equal(
            [new ParkedKeyState("x", "d9", Draining: true)],
            ParkingLog.Fold([ParkingRecord.Released("nobody"), ParkingRecord.Draining("x", "d9")]));
    }

    [Fact]
    public async Task A_malformed_record_is_skipped_logged_and_the_rest_of_the_log_is_read()
    {
        var warnings = new WarningLog();
        var log = new ParkingLog(Connection, Publisher, Queue, warnings);
        await log.AppendAsync(ParkingRecord.Parked("a", "d1"), CancellationToken.None);
        await AppendRawAsync(ParkingRecordCodec.MessageType, "not json");
        await AppendRawAsync(ParkingRecordCodec.MessageType, """{"record":"parked","key":"b"}""");
        await AppendRawAsync(ParkingRecordCodec.MessageType, """{"record":"evicted","key":"a"}""");
        await AppendRawAsync(ParkingRecordCodec.MessageType, """["parked","c","d3"]""");
        await AppendRawAsync(ParkingRecordCodec.MessageType, """{"record":"released","key":42}""");
        await AppendRawAsync("shop.order-created.v1", """{"record":"released","key":"a"}""");
        await log.AppendAsync(ParkingRecord.Parked("d", "d4"), CancellationToken.None);

        Assert.Equal(
            [new ParkedKeyState("a", "d1", Draining: false), new ParkedKeyState("d", "d4", Draining: false)],
            await log.ReadAsync(CancellationToken.None));
        Assert.Equal(6, warnings.Messages.Count);
        Assert.All(warnings.Messages, m => Assert.Contains("payments.parking", m, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Two_readers_at_once_each_read_the_whole_log()
    {
        var log = new ParkingLog(Connection, Publisher, Queue);
        await Task.WhenAll(Enumerable.Range(0, 300).Select(i => log.AppendAsync(ParkingRecord.Parked($"k{i}", $"d{i}"), CancellationToken.None).AsTask()));

        await using var other = await ConnectAsync();
        await using var otherPublisher = await AmqpPublisher.CreateAsync(other, Options, CancellationToken.None);
        var reads = await Task.WhenAll(
            log.ReadAsync(CancellationToken.None).AsTask(),
            new ParkingLog(other, otherPublisher, Queue).ReadAsync(CancellationToken.None).AsTask());

        foreach (var read in reads)
        {
            Assert.Equal(300, read.Count);
            Assert.Equal(Enumerable.Range(0, 300).Select(i => $"k{i}").Order(), read.Select(k => k.Key).Order());
        }

        Assert.Equal(reads[0], reads[1]);
    }

    [Fact]
    public async Task A_record_confirmed_by_a_writer_that_then_crashed_is_read_by_the_next_consumer()
    {
        var writer = await ConnectAsync();
        var writerPublisher = await AmqpPublisher.CreateAsync(writer, Options, CancellationToken.None);
        await new ParkingLog(writer, writerPublisher, Queue).AppendAsync(ParkingRecord.Parked("a", "d1"), CancellationToken.None);
        await writer.AbortAsync();     // no orderly shutdown: the publisher's channels are never closed
        writer.Dispose();

        Assert.Equal([new ParkedKeyState("a", "d1", Draining: false)], await new ParkingLog(Connection, Publisher, Queue).ReadAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Reading_a_log_of_a_thousand_records()
    {
        var log = new ParkingLog(Connection, Publisher, Queue);
        await Task.WhenAll(Enumerable.Range(0, 750).Select(i => log.AppendAsync(ParkingRecord.Parked($"k{i}", $"d{i}"), CancellationToken.None).AsTask()));
        await Task.WhenAll(Enumerable.Range(0, 250).Select(i => log.AppendAsync(ParkingRecord.Released($"k{i * 3}"), CancellationToken.None).AsTask()));

        var clock = Stopwatch.StartNew();
        var first = await log.ReadAsync(CancellationToken.None);
        var firstTook = clock.Elapsed;
        clock.Restart();
        var second = await log.ReadAsync(CancellationToken.None);
        output.WriteLine($"1,000 records: first read {firstTook.TotalMilliseconds:F0} ms, second {clock.Elapsed.TotalMilliseconds:F0} ms");

        Assert.Equal(500, first.Count);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task Parked_messages_are_counted_read_in_order_and_acknowledged_away()
    {
        var parked = new ParkedMessages(Connection, Publisher, Queue);
        Assert.Equal(0, await parked.CountAsync("order-1", CancellationToken.None));
        for (var i = 1; i <= 5; i++)
        {
            await parked.ParkAsync("order-1", Keyed($"m{i}", "order-1"), CancellationToken.None);
        }

        await parked.ParkAsync("order-2", Keyed("other", "order-2"), CancellationToken.None);
        Assert.Equal(5, await parked.CountAsync("order-1", CancellationToken.None));

        await using (var reader = await parked.OpenAsync("order-1", CancellationToken.None))
        {
            var first = await reader.NextAsync(CancellationToken.None);
            Assert.NotNull(first);
            Assert.Equal("m1", first.Envelope.MessageId);
            Assert.Equal("order-1", first.Envelope.Headers[HeaderNames.OrderingKey]);
            Assert.Equal("tests.charge.v1", first.Envelope.MessageType);
            Assert.Equal("body m1", Encoding.UTF8.GetString(first.Envelope.Body.Span));
            await first.AckAsync(CancellationToken.None);
            Assert.Equal("m2", (await reader.NextAsync(CancellationToken.None))?.Envelope.MessageId);
            Assert.Equal("m3", (await reader.NextAsync(CancellationToken.None))?.Envelope.MessageId);
        }

        // m2 and m3 were read but not acknowledged: they are back at the front, in order, for the very next reader.
        await using (var reader = await parked.OpenAsync("order-1", CancellationToken.None))
        {
            var read = new List<ParkedMessage>();
            while (await reader.NextAsync(CancellationToken.None) is { } next)
            {
                read.Add(next);
            }

            Assert.Equal(["m2", "m3", "m4", "m5"], read.Select(m => m.Envelope.MessageId));
            Assert.True(read[0].Redelivered);
            Assert.False(read[2].Redelivered);
            foreach (var message in read)
            {
                await message.AckAsync(CancellationToken.None);
            }
        }

        Assert.Equal(0, await parked.CountAsync("order-1", CancellationToken.None));
        await parked.DeleteAsync("order-1", CancellationToken.None);
        await parked.DeleteAsync("order-1", CancellationToken.None);     // missing is fine
        Assert.False(await QueueExistsAsync(parked.QueueOf("order-1")));
        Assert.Equal(1, await parked.CountAsync("order-2", CancellationToken.None));
    }

    [Fact]
    public async Task A_key_with_no_parked_queue_reads_as_empty()
    {
        var parked = new ParkedMessages(Connection, Publisher, Queue);
        await using var reader = await parked.OpenAsync("never-parked", CancellationToken.None);
        Assert.Null(await reader.NextAsync(CancellationToken.None));
        await parked.DeleteAsync("never-parked", CancellationToken.None);
    }

    [Fact]
    public async Task A_parked_queue_that_still_holds_messages_is_not_deleted()
    {
        var parked = new ParkedMessages(Connection, Publisher, Queue);
        await parked.ParkAsync("order-1", Keyed("m1", "order-1"), CancellationToken.None);

        await Assert.ThrowsAsync<InvalidOperationException>(() => parked.DeleteAsync("order-1", CancellationToken.None).AsTask());
        Assert.Equal(1, await parked.CountAsync("order-1", CancellationToken.None));
    }

    [Fact]
    public async Task Parking_again_after_another_instance_deleted_the_queue_declares_it_again()
    {
        var mine = new ParkedMessages(Connection, Publisher, Queue);
        var theirs = new ParkedMessages(Connection, Publisher, Queue);
        await mine.ParkAsync("order-1", Keyed("m1", "order-1"), CancellationToken.None);
        await using (var reader = await theirs.OpenAsync("order-1", CancellationToken.None))
        {
            await (await reader.NextAsync(CancellationToken.None))!.AckAsync(CancellationToken.None);
        }

        await theirs.DeleteAsync("order-1", CancellationToken.None);

        await mine.ParkAsync("order-1", Keyed("m2", "order-1"), CancellationToken.None);
        Assert.Equal(1, await mine.CountAsync("order-1", CancellationToken.None));
    }

    [Fact]
    public async Task Parked_messages_go_through_the_parking_exchange_bound_by_the_queues_own_name()
    {
        var parked = new ParkedMessages(Connection, Publisher, Queue);
        await parked.ParkAsync("order-1", Keyed("m1", "order-1"), CancellationToken.None);

        // Bound by name to the parking exchange: a publish there with that routing key lands in it, none by the default exchange is needed.
        await Publisher.PublishAsync(OrderingNames.ParkingExchange(Queue), parked.QueueOf("order-1"), Keyed("m2", "order-1"), mandatory: true, CancellationToken.None);
        Assert.Equal(2, await parked.CountAsync("order-1", CancellationToken.None));
    }

    [Fact]
    public async Task Deleting_a_keyed_dead_letter_of_an_ordered_queue_sends_its_key_a_skip_first()
    {
        await DeclareOrderedLikeAsync();
        await DeadLetterAsync(Keyed("plain", key: null));
        await DeadLetterAsync(Keyed("dead-1", "order-1"));
        var deadLetters = new RabbitMqDeadLetterQueue(Connection, Publisher);

        Assert.True(await deadLetters.DeleteAsync(Queue, "plain"));
        Assert.Equal(0u, await MessageCountAsync(Probe));

        Assert.True(await deadLetters.DeleteAsync(Queue, "dead-1"));
        var skip = await GetAsync(Probe);
        Assert.Equal(OrderingSkip.MessageType, skip.MessageType);
        Assert.Equal("order-1", skip.Headers[HeaderNames.OrderingKey]);
        Assert.Equal("dead-1", skip.Headers[OrderingNames.SkipHeader]);
        Assert.NotEqual("dead-1", skip.MessageId);
        Assert.True(skip.Body.IsEmpty);
        Assert.True(OrderingSkip.TryRead(skip, out var key, out var deadLetterId) && key == "order-1" && deadLetterId == "dead-1");
        Assert.Equal(0u, await MessageCountAsync(Probe));
        Assert.Equal(0, await deadLetters.CountAsync(Queue));
    }

    [Fact]
    public async Task Deleting_a_keyed_dead_letter_of_an_unordered_queue_sends_nothing()
    {
        await DeclareOrderedLikeAsync(ordered: false);
        await DeadLetterAsync(Keyed("dead-1", "order-1"));
        var deadLetters = new RabbitMqDeadLetterQueue(Connection, Publisher);

        Assert.True(await deadLetters.DeleteAsync(Queue, "dead-1"));
        Assert.Equal(0u, await MessageCountAsync(Probe));
        Assert.Empty(await deadLetters.ListParkedKeysAsync(Queue));
    }

    [Fact]
    public async Task Purging_an_ordered_queue_skips_every_keyed_dead_letter_and_removes_them_all()
    {
        await DeclareOrderedLikeAsync();
        await DeadLetterAsync(Keyed("dead-1", "order-1"));
        await DeadLetterAsync(Keyed("plain-1", key: null));
        await DeadLetterAsync(Keyed("dead-2", "order-2"));
        for (var i = 0; i < 150; i++)
        {
            await DeadLetterAsync(Keyed($"bulk-{i}", $"bulk-key-{i}"));     // more than one batch
        }

        var deadLetters = new RabbitMqDeadLetterQueue(Connection, Publisher);
        Assert.Equal(153, await deadLetters.PurgeAsync(Queue));

        Assert.Equal(0, await deadLetters.CountAsync(Queue));
        var skips = new List<Envelope>();
        for (var i = 0; i < 152; i++)
        {
            skips.Add(await GetAsync(Probe));
        }

        Assert.Equal(0u, await MessageCountAsync(Probe));
        Assert.Equal(
            Enumerable.Range(0, 150).Select(i => $"bulk-{i}").Append("dead-1").Append("dead-2").Order(),
            skips.Select(s => s.Headers[OrderingNames.SkipHeader]).Order());
        Assert.All(skips, s => Assert.Equal(OrderingSkip.MessageType, s.MessageType));
    }

    [Fact]
    public async Task Purging_an_unordered_queue_sends_nothing()
    {
        await DeclareOrderedLikeAsync(ordered: false);
        await DeadLetterAsync(Keyed("dead-1", "order-1"));
        var deadLetters = new RabbitMqDeadLetterQueue(Connection, Publisher);

        Assert.Equal(1, await deadLetters.PurgeAsync(Queue));
        Assert.Equal(0u, await MessageCountAsync(Probe));
    }

    [Fact]
    public async Task A_redriven_dead_letter_keeps_its_message_id_and_ordering_key()
    {
        await DeclareOrderedLikeAsync();
        await DeadLetterAsync(Keyed("dead-1", "order-1").WithHeader(HeaderNames.DeadLetterReason, "handler failed"));
        var deadLetters = new RabbitMqDeadLetterQueue(Connection, Publisher);

        Assert.True(await deadLetters.RedriveAsync(Queue, "dead-1"));
        var redriven = await GetAsync(Probe);
        Assert.Equal("dead-1", redriven.MessageId);
        Assert.Equal("order-1", redriven.Headers[HeaderNames.OrderingKey]);
        Assert.False(redriven.Headers.ContainsKey(HeaderNames.DeadLetterReason));
        Assert.False(OrderingSkip.IsSkip(redriven));
    }

    [Fact]
    public async Task Parked_keys_are_listed_oldest_first_with_their_waiting_messages()
    {
        await DeclareOrderedLikeAsync();
        var log = new ParkingLog(Connection, Publisher, Queue);
        var parked = new ParkedMessages(Connection, Publisher, Queue);
        await log.AppendAsync(ParkingRecord.Parked("a", "d1"), CancellationToken.None);
        await log.AppendAsync(ParkingRecord.Parked("b", "d2"), CancellationToken.None);
        await log.AppendAsync(ParkingRecord.Parked("c", "d3"), CancellationToken.None);
        await log.AppendAsync(ParkingRecord.Draining("b", "d2"), CancellationToken.None);
        await parked.ParkAsync("a", Keyed("a2", "a"), CancellationToken.None);
        await parked.ParkAsync("a", Keyed("a3", "a"), CancellationToken.None);
        await parked.ParkAsync("b", Keyed("b2", "b"), CancellationToken.None);
        var deadLetters = new RabbitMqDeadLetterQueue(Connection, Publisher);

        Assert.Equal(
            [new ParkedKey("a", Queue, "d1", 2), new ParkedKey("c", Queue, "d3", 0)],
            await deadLetters.ListParkedKeysAsync(Queue));
        Assert.Equal([new ParkedKey("c", Queue, "d3", 0)], await deadLetters.ListParkedKeysAsync(Queue, skip: 1, take: 5));
        Assert.Equal([new ParkedKey("a", Queue, "d1", 2)], await deadLetters.ListParkedKeysAsync(Queue, skip: 0, take: 1));
    }

    private const string Probe = "payments.probe";

    private static RabbitMqTransportOptions Options => new() { Uri = TestBroker.AmqpUri, PublishChannels = 2 };

    private async Task<IConnection> ConnectAsync() =>
        await new ConnectionFactory { Uri = TestBroker.UriFor(_vhost) }.CreateConnectionAsync();

    // An ordered endpoint's send path ends in its order exchange; here sb.send.Q ends in a plain queue the test reads,
    // and the order exchange only exists, which is what tells the dead-letter API that Q is ordered.
    private async Task DeclareOrderedLikeAsync(bool ordered = true)
    {
        await using var channel = await Connection.CreateChannelAsync();
        if (ordered)
        {
            await channel.ExchangeDeclareAsync(OrderingNames.OrderExchange(Queue), ExchangeType.Headers, durable: true);
        }

        var deadLetters = RabbitMqTransport.DeadLetterQueueOf(Queue);
        foreach (var (exchange, queue) in new[] { (RabbitMqTopology.SendExchange(Queue), Probe), (RabbitMqTopology.SendExchange(deadLetters), deadLetters) })
        {
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
            await channel.QueueBindAsync(queue, exchange, "");
        }
    }

    private async Task DeadLetterAsync(Envelope envelope) =>
        await Publisher.PublishAsync(RabbitMqTopology.SendExchange(RabbitMqTransport.DeadLetterQueueOf(Queue)), "", envelope, mandatory: true, CancellationToken.None);

    private static Envelope Keyed(string id, string? key) => new()
    {
        MessageId = id,
        MessageType = "tests.charge.v1",
        SentAt = DateTimeOffset.UtcNow,
        Headers = key is null ? Envelope.EmptyHeaders : new Dictionary<string, string> { [HeaderNames.OrderingKey] = key, ["tenant"] = "t1" },
        Body = Encoding.UTF8.GetBytes("body " + id),
    };

    private async Task AppendRawAsync(string type, string body)
    {
        await using var channel = await Connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.BasicPublishAsync(OrderingNames.ParkingExchange(Queue), OrderingNames.ParkingLog(Queue), mandatory: true, new BasicProperties { Type = type }, Encoding.UTF8.GetBytes(body));
    }

    // Everything the tests read was confirmed before, so it is there: an empty queue is a failure, not a reason to wait.
    private async Task<Envelope> GetAsync(string queue)
    {
        await using var channel = await Connection.CreateChannelAsync();
        var got = await channel.BasicGetAsync(queue, autoAck: true) ?? throw new Xunit.Sdk.XunitException($"'{queue}' is empty.");
        return AmqpEnvelope.FromDelivery(got.BasicProperties, got.Body.ToArray());
    }

    private async Task<uint> MessageCountAsync(string queue)
    {
        await using var channel = await Connection.CreateChannelAsync();
        return (await channel.QueueDeclarePassiveAsync(queue)).MessageCount;
    }

    private sealed class WarningLog : Microsoft.Extensions.Logging.ILogger
    {
        public System.Collections.Concurrent.ConcurrentQueue<string> Messages { get; } = new();

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

        public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (logLevel == Microsoft.Extensions.Logging.LogLevel.Warning)
            {
                Messages.Enqueue(formatter(state, exception));
            }
        }
    }

    private async Task<bool> QueueExistsAsync(string queue)
    {
        await using var channel = await Connection.CreateChannelAsync();
        try
        {
            await channel.QueueDeclarePassiveAsync(queue);
            return true;
        }
        catch (global::RabbitMQ.Client.Exceptions.OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return false;
        }
    }
}
