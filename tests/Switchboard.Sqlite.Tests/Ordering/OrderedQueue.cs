using Microsoft.Data.Sqlite;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Sqlite.Tests.Ordering;

/// <summary>A transport on a throwaway file with one ordered queue, and the steps the ordering tests share.</summary>
public sealed class OrderedQueue : IAsyncDisposable
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string _path;
    private readonly CancellationTokenSource _patience = new(Patience);

    private OrderedQueue(string path, SqliteTransport transport)
    {
        _path = path;
        Transport = transport;
    }

    public SqliteTransport Transport { get; }

    public string Name { get; } = "ordered-" + Guid.NewGuid().ToString("N");

    /// <summary>Cancelled when a test has waited too long.</summary>
    public CancellationToken Timeout => _patience.Token;

    public static async Task<OrderedQueue> StartAsync(TimeSpan? leaseDuration = null)
    {
        var path = TestDatabase.NewPath();
        var queue = new OrderedQueue(path, new SqliteTransport(new SqliteTransportOptions
        {
            Path = path,
            LeaseDuration = leaseDuration ?? TimeSpan.FromSeconds(30),
        }));
        await queue.Transport.StartAsync();
        await queue.Transport.DeclareEndpointAsync(new EndpointDeclaration(queue.Name, []) { Ordered = true });
        return queue;
    }

    public Task<ITransportReceiver> ReceiverAsync(int prefetch = 16) =>
        Transport.CreateReceiverAsync(Name, new ReceiverOptions(prefetch), Timeout).AsTask();

    /// <summary>Sends message <paramref name="id"/> with ordering key <paramref name="key"/> (null: none).</summary>
    public Task SendAsync(string id, string? key, DateTimeOffset? deliverAt = null) =>
        Transport.SendAsync(Name, Envelope(id, key), deliverAt, Timeout).AsTask();

    public async Task SendAllAsync(params (string Id, string? Key)[] messages)
    {
        foreach (var (id, key) in messages)
        {
            await SendAsync(id, key);
        }
    }

    public async Task<IncomingMessage> ReceiveAsync(ITransportReceiver receiver) => await receiver.ReceiveAsync(Timeout);

    /// <summary>Receives <paramref name="count"/> messages, completing each, and returns their ids in the order received.</summary>
    public async Task<List<string>> ReceiveAndCompleteAsync(ITransportReceiver receiver, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            var message = await ReceiveAsync(receiver);
            ids.Add(message.Envelope.MessageId);
            await message.CompleteAsync(Timeout);
        }

        return ids;
    }

    /// <summary>
    /// Sends a message with a key of its own and receives it: every claim of <paramref name="receiver"/> before it has
    /// run, so a message that was claimable when this is called would have been received before it.
    /// </summary>
    public async Task<List<string>> ReceiveUntilMarkerAsync(ITransportReceiver receiver)
    {
        var marker = "marker-" + Guid.NewGuid().ToString("N");
        await SendAsync(marker, marker);
        var before = new List<string>();
        while (true)
        {
            var message = await ReceiveAsync(receiver);
            await message.CompleteAsync(Timeout);
            if (message.Envelope.MessageId == marker)
            {
                return before;
            }

            before.Add(message.Envelope.MessageId);
        }
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out waiting until {what}.");
            await Task.Delay(10);
        }
    }

    /// <summary>The first column of every row of <paramref name="sql"/> as text (NULL as "null").</summary>
    public List<string> Query(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.IsDBNull(0) ? "null" : Convert.ToString(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture)!);
        }

        return values;
    }

    public void Execute(string sql)
    {
        using var connection = Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    public async ValueTask DisposeAsync()
    {
        await Transport.DisposeAsync();
        _patience.Dispose();
        TestDatabase.Delete(_path);
    }

    public static Envelope Envelope(string id, string? key) => new()
    {
        MessageId = id,
        MessageType = "tests.ordered.v1",
        SentAt = DateTimeOffset.UtcNow,
        Body = "{}"u8.ToArray(),
        ContentType = "application/json",
        Headers = key is null ? Messages.Envelope.EmptyHeaders : new Dictionary<string, string> { [HeaderNames.OrderingKey] = key },
    };

    private SqliteConnection Open()
    {
        var connection = new SqliteConnection($"Data Source={_path};Pooling=False");
        connection.Open();
        return connection;
    }
}
