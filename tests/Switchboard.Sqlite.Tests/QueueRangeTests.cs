using System.Globalization;
using Microsoft.Data.Sqlite;
using Switchboard.Messages;
using Switchboard.Sqlite.Writing;
using Switchboard.Transport;

namespace Switchboard.Sqlite.Tests;

/// <summary>Each queue's rows in a rowid range of its own (<see cref="QueueRanges"/>), and files from before the ranges.</summary>
public sealed class QueueRangeTests : IAsyncLifetime
{
    private const string Topic = "tests.order-placed.v1";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string _path = TestDatabase.NewPath();
    private SqliteTransport? _transport;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_transport is not null)
        {
            await _transport.DisposeAsync();
        }

        TestDatabase.Delete(_path);
    }

    [Fact]
    public async Task Each_queue_keeps_its_rows_in_a_range_of_its_own()
    {
        var transport = await StartAsync();
        await transport.DeclareEndpointAsync(new EndpointDeclaration("orders", [Topic]));
        await transport.DeclareEndpointAsync(new EndpointDeclaration("billing", [Topic]));
        for (var i = 0; i < 5; i++)
        {
            await transport.SendAsync("orders", Envelope($"send-{i}"));
            await transport.PublishAsync(Topic, Envelope($"publish-{i}"));
        }

        Assert.Equal(
            ["orders,1,10", "billing,2,5"],
            Query("SELECT queue, seq >> 40, COUNT(*) FROM sb_messages GROUP BY queue, seq >> 40 ORDER BY seq >> 40"));
        Assert.Equal(["orders,1", "billing,2"], Query("SELECT name, number FROM sb_queues ORDER BY number"));
        Assert.Equal(
            Enumerable.Range(1, 10).Select(n => n.ToString(CultureInfo.InvariantCulture)),
            Query("SELECT seq & ((1 << 40) - 1) FROM sb_messages WHERE queue = 'orders' ORDER BY seq"));
    }

    [Fact]
    public async Task Declaring_a_queue_again_keeps_its_number()
    {
        var transport = await StartAsync();
        await transport.DeclareEndpointAsync(new EndpointDeclaration("orders", []));
        await transport.DeclareEndpointAsync(new EndpointDeclaration("billing", []));
        await transport.DeclareEndpointAsync(new EndpointDeclaration("orders", [Topic]));

        Assert.Equal(["billing,2", "orders,1"], Query("SELECT name, number FROM sb_queues ORDER BY name"));
    }

    [Fact]
    public async Task A_file_from_before_the_ranges_is_brought_up_to_date_and_loses_nothing()
    {
        CreateFileWithoutRanges();

        var transport = await StartAsync();

        Assert.Equal(["legacy,1"], Query("SELECT name, number FROM sb_queues"));
        await transport.SendAsync("legacy", Envelope("after"));
        Assert.Equal(["before,0", "after,1"], Query("SELECT message_id, seq >> 40 FROM sb_messages ORDER BY seq"));
        await using var receiver = await transport.CreateReceiverAsync("legacy", new ReceiverOptions(16));
        Assert.Equal(["after", "before"], (await ReceiveAsync(receiver, 2)).Order());
    }

    [Fact]
    public async Task A_queue_whose_range_is_full_still_takes_messages()
    {
        var transport = await StartAsync();
        await transport.DeclareEndpointAsync(new EndpointDeclaration("orders", [Topic]));
        Execute($"""
            INSERT INTO sb_messages (seq, queue, visible_at, {SqliteSchema.EnvelopeColumnList})
            VALUES ((2 << 40) - 1, 'orders', 0, 'last-of-range', 'tests', NULL, NULL, NULL, 0, 'application/json', NULL, x'7B7D')
            """);

        await transport.SendAsync("orders", Envelope("sent"));
        await transport.PublishAsync(Topic, Envelope("published"));

        await using var receiver = await transport.CreateReceiverAsync("orders", new ReceiverOptions(16));
        Assert.Equal(["last-of-range", "published", "sent"], (await ReceiveAsync(receiver, 3)).Order());
    }

    [Fact]
    public async Task A_late_settlement_does_not_touch_the_message_that_reused_its_rowid()
    {
        var transport = await StartAsync();
        await transport.DeclareEndpointAsync(new EndpointDeclaration("orders", []));
        await transport.SendAsync("orders", Envelope("first"));
        await using var receiver = await transport.CreateReceiverAsync("orders", new ReceiverOptions(1));
        using var patience = new CancellationTokenSource(Patience);
        var stale = await receiver.ReceiveAsync(patience.Token);
        var rowid = Query("SELECT seq FROM sb_messages WHERE message_id = 'first'").Single();

        // As if the lease had run out and another consumer had handled the message meanwhile.
        Execute("DELETE FROM sb_messages WHERE message_id = 'first'");
        await transport.SendAsync("orders", Envelope("second"));
        Assert.Equal(["second"], Query($"SELECT message_id FROM sb_messages WHERE seq = {rowid}"));

        await stale.CompleteAsync(patience.Token);
        await transport.SendAsync("orders", Envelope("third"));

        Assert.Equal(["second", "third"], Query("SELECT message_id FROM sb_messages ORDER BY seq"));
    }

    [Fact]
    public async Task The_writer_steps_over_a_rowid_that_a_transactional_send_took_in_the_same_transaction()
    {
        var transport = await StartAsync();
        await transport.DeclareEndpointAsync(new EndpointDeclaration("orders", [Topic]));
        await using (var connection = Open())
        {
            using var statements = new Statements(connection);
            var rows = new MessageRows(statements, new LocalReceivers(), new OrderedQueues(statements.Ordered), _ => { });
            using var transaction = connection.BeginTransaction();
            statements.Enlist(transaction);
            rows.Reset(UnixMilliseconds.Now());

            Assert.True(rows.Send("orders", 0, Envelope("writer-1")));
            await SqliteTransactionalSender.WriteAsync(connection, transaction, new OutgoingMessage(OutgoingKind.Send, "orders", Envelope("in-sql"), null));
            Assert.True(rows.Send("orders", 0, Envelope("writer-2")));
            Assert.Equal(["orders"], rows.Publish(Topic, 0, Envelope("writer-3")));
            transaction.Commit();
        }

        Assert.Equal(
            ["writer-1,1", "in-sql,1", "writer-2,1", "writer-3,1"],
            Query("SELECT message_id, seq >> 40 = 1 FROM sb_messages ORDER BY seq"));
    }

    private async Task<SqliteTransport> StartAsync()
    {
        _transport = new SqliteTransport(new SqliteTransportOptions { Path = _path });
        await _transport.StartAsync();
        return _transport;
    }

    private static async Task<List<string>> ReceiveAsync(ITransportReceiver receiver, int count)
    {
        using var patience = new CancellationTokenSource(Patience);
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var message = await receiver.ReceiveAsync(patience.Token);
            ids.Add(message.Envelope.MessageId);
            await message.CompleteAsync(patience.Token);
        }

        return ids;
    }

    // The schema as it was before queues had numbers, with one message waiting.
    private void CreateFileWithoutRanges()
    {
        Execute("""
            CREATE TABLE sb_queues (name TEXT PRIMARY KEY) WITHOUT ROWID;
            INSERT INTO sb_queues (name) VALUES ('legacy');
            CREATE TABLE sb_messages (
                seq INTEGER PRIMARY KEY, queue TEXT NOT NULL, visible_at INTEGER NOT NULL, delivery_count INTEGER NOT NULL DEFAULT 0,
                lease INTEGER, message_id TEXT NOT NULL, message_type TEXT NOT NULL, correlation_id TEXT, causation_id TEXT,
                traceparent TEXT, sent_at INTEGER NOT NULL, content_type TEXT NOT NULL, headers TEXT, body BLOB NOT NULL);
            INSERT INTO sb_messages (queue, visible_at, message_id, message_type, sent_at, content_type, body)
            VALUES ('legacy', 0, 'before', 'tests', 0, 'application/json', x'7B7D');
            """);
    }

    private void Execute(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    // Each row as its values joined by commas.
    private List<string> Query(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join(',', Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        connection.Open();
        using var timeout = connection.CreateCommand();
        timeout.CommandText = "PRAGMA busy_timeout = 30000";
        timeout.ExecuteNonQuery();
        return connection;
    }

    private static Envelope Envelope(string id) => new()
    {
        MessageId = id,
        MessageType = Topic,
        SentAt = DateTimeOffset.UtcNow,
        Body = "{}"u8.ToArray(),
    };
}
