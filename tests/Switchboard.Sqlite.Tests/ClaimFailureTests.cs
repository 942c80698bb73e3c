using Microsoft.Data.Sqlite;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Sqlite.Tests;

/// <summary>A claim that fails gives back the room it took, so the receiver claims again and keeps consuming.</summary>
public sealed class ClaimFailureTests : IAsyncLifetime
{
    private readonly string _path = TestDatabase.NewPath();
    private readonly string _queue = "claim-failure-" + Guid.NewGuid().ToString("N");
    private readonly TaggedCounter _claims = new("switchboard.sqlite.writer.operations", "switchboard.sqlite.operation", "ClaimOperation");
    private SqliteTransport? _transport;

    public async Task InitializeAsync()
    {
        _transport = new SqliteTransport(new SqliteTransportOptions { Path = _path });
        await _transport.StartAsync();
        await _transport.DeclareEndpointAsync(new EndpointDeclaration(_queue, []));
    }

    public async Task DisposeAsync()
    {
        _claims.Dispose();
        if (_transport is not null)
        {
            await _transport.DisposeAsync();
        }

        TestDatabase.Delete(_path);
    }

    [Fact]
    public async Task A_receiver_whose_claim_failed_claims_again_and_gets_the_next_message()
    {
        using var patience = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        // Without its table every claim fails (no such table): the receiver's first one does.
        Execute("ALTER TABLE sb_messages RENAME TO sb_messages_away");
        var claimsBefore = _claims.Total;
        await using var receiver = await _transport!.CreateReceiverAsync(_queue, new ReceiverOptions(4));
        while (_claims.Total == claimsBefore)
        {
            await Task.Delay(10, patience.Token);
        }

        Execute("ALTER TABLE sb_messages_away RENAME TO sb_messages");
        await _transport.SendAsync(_queue, new Envelope { MessageId = "after-the-failure", MessageType = "tests.claim-failure.v1", SentAt = DateTimeOffset.UtcNow, Body = "{}"u8.ToArray(), ContentType = "application/json" }, cancellationToken: patience.Token);

        // Before, the failed claim kept all the receiver's room and it never claimed again: this waited forever.
        var message = await receiver.ReceiveAsync(patience.Token);
        Assert.Equal("after-the-failure", message.Envelope.MessageId);
        await message.CompleteAsync(patience.Token);
    }

    private void Execute(string sql)
    {
        using var connection = new SqliteConnection($"Data Source={_path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA busy_timeout = 5000; " + sql;
        command.ExecuteNonQuery();
    }
}
