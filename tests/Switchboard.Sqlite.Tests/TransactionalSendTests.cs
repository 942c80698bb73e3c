using Microsoft.Data.Sqlite;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Sqlite.Tests;

public sealed class TransactionalSendTests : IAsyncLifetime
{
    private readonly string _path = TestDatabase.NewPath();
    private SqliteTransport _transport = null!;

    public async Task InitializeAsync()
    {
        _transport = new SqliteTransport(new SqliteTransportOptions { Path = _path });
        await _transport.StartAsync();
        await _transport.DeclareEndpointAsync(new EndpointDeclaration("orders", ["tests.order-placed.v1"]));
    }

    public async Task DisposeAsync()
    {
        await _transport.DisposeAsync();
        TestDatabase.Delete(_path);
    }

    [Fact]
    public async Task Messages_written_in_a_rolled_back_transaction_never_go_out()
    {
        await using (var connection = Open())
        {
            using var transaction = connection.BeginTransaction();
            await WriteStateAsync(connection, transaction, "rolled back");
            await SqliteTransactionalSender.WriteAsync(connection, transaction, Send("m-1"));
            await SqliteTransactionalSender.WriteAsync(connection, transaction, Publish("m-2"));
            transaction.Rollback();
        }

        await using var receiver = await _transport.CreateReceiverAsync("orders", new ReceiverOptions(16));
        using var quiet = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => receiver.ReceiveAsync(quiet.Token).AsTask());
    }

    [Fact]
    public async Task Messages_written_in_a_committed_transaction_are_delivered_with_the_state_change()
    {
        await using (var connection = Open())
        {
            using var transaction = connection.BeginTransaction();
            await WriteStateAsync(connection, transaction, "committed");
            await SqliteTransactionalSender.WriteAsync(connection, transaction, Send("m-1"));
            await SqliteTransactionalSender.WriteAsync(connection, transaction, Publish("m-2"));
            transaction.Commit();
        }

        await using var receiver = await _transport.CreateReceiverAsync("orders", new ReceiverOptions(16));
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var first = await receiver.ReceiveAsync(patience.Token);
        var second = await receiver.ReceiveAsync(patience.Token);
        Assert.Equal(["m-1", "m-2"], new[] { first.Envelope.MessageId, second.Envelope.MessageId }.Order());
        await using var check = Open();
        using var count = check.CreateCommand();
        count.CommandText = "SELECT COUNT(*) FROM app_state WHERE value = 'committed'";
        Assert.Equal(1L, count.ExecuteScalar());
    }

    [Fact]
    public async Task A_transactional_send_to_a_missing_queue_is_unroutable()
    {
        await using var connection = Open();
        using var transaction = connection.BeginTransaction();

        await Assert.ThrowsAsync<UnroutableMessageException>(() =>
            SqliteTransactionalSender.WriteAsync(connection, transaction, Send("m-1") with { Destination = "nowhere" }).AsTask());
    }

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={_path}");
        connection.Open();
        using var create = connection.CreateCommand();
        create.CommandText = "PRAGMA busy_timeout = 30000; CREATE TABLE IF NOT EXISTS app_state (value TEXT NOT NULL)";
        create.ExecuteNonQuery();
        return connection;
    }

    private static async Task WriteStateAsync(SqliteConnection connection, SqliteTransaction transaction, string value)
    {
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = "INSERT INTO app_state (value) VALUES ($value)";
        insert.Parameters.AddWithValue("$value", value);
        await insert.ExecuteNonQueryAsync();
    }

    private static OutgoingMessage Send(string id) => new(OutgoingKind.Send, "orders", Envelope(id), null);

    private static OutgoingMessage Publish(string id) => new(OutgoingKind.Publish, "tests.order-placed.v1", Envelope(id), null);

    private static Envelope Envelope(string id) => new()
    {
        MessageId = id,
        MessageType = "tests.order-placed.v1",
        SentAt = DateTimeOffset.UtcNow,
        Body = "{}"u8.ToArray(),
    };
}
