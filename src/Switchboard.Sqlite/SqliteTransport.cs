using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Messages;
using Switchboard.Sqlite.Writing;
using Switchboard.Transport;

namespace Switchboard.Sqlite;

/// <summary>
/// The embedded default transport: queues, subscriptions, scheduled messages and dead letters in one SQLite file
/// in WAL mode, shared by every process on the machine that opens it. It keeps per-key order on ordered queues
/// (<see cref="IOrderedTransport"/>) for every process that shares the file.
/// </summary>
public sealed class SqliteTransport : IOrderedTransport, IQueueStatistics, IScheduledMessages
{
    private readonly SqliteTransportOptions _options;
    private readonly ILoggerFactory _loggers;
    private readonly SqliteConnections _connections;
    private readonly QueueSignals _signals = new();
    private readonly Lock _lock = new();
    private SqliteWriter? _writer;
    private ChangeWatcher? _watcher;
    private SqliteDeadLetterQueue? _deadLetters;

    /// <summary>Creates the transport; nothing is opened until <see cref="StartAsync"/>.</summary>
    public SqliteTransport(SqliteTransportOptions options, ILoggerFactory? loggers = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        _options = options;
        _loggers = loggers ?? NullLoggerFactory.Instance;
        _connections = new SqliteConnections(options);
    }

    /// <inheritdoc />
    public string Name => "sqlite";

    /// <summary>The transport's settings.</summary>
    public SqliteTransportOptions Options => _options;

    /// <inheritdoc />
    public IDeadLetterQueue DeadLetters => _deadLetters ?? throw NotStarted();

    /// <inheritdoc />
    public ValueTask<QueueStatistics?> GetQueueStatisticsAsync(string queue, CancellationToken cancellationToken = default)
    {
        using var connection = _connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT (SELECT COUNT(*) FROM sb_messages WHERE queue = $queue AND visible_at <= $now)
            FROM sb_queues WHERE name = $queue
            """;
        command.Parameters.AddWithValue("$queue", queue);
        command.Parameters.AddWithValue("$now", UnixMilliseconds.Now());
        // Consumers are this file's readers in other processes too: SQLite cannot tell how many there are.
        return ValueTask.FromResult(command.ExecuteScalar() is long ready ? new QueueStatistics(ready, Consumers: null) : null);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ScheduledMessage>> ListScheduledAsync(string queue, int max, CancellationToken cancellationToken = default)
    {
        using var connection = _connections.Open();
        using var command = connection.CreateCommand();
        // Not leased: a leased row's visible_at is its lease's end, not a due time; not parked: it waits for its dead letter.
        command.CommandText = $"""
            SELECT visible_at, {SqliteSchema.EnvelopeColumnList} FROM sb_messages
            WHERE queue = $queue AND visible_at > $now AND visible_at < {OrderedRows.ParkedVisibleAtSql} AND lease IS NULL
            ORDER BY visible_at LIMIT $max
            """;
        command.Parameters.AddWithValue("$queue", queue);
        command.Parameters.AddWithValue("$now", UnixMilliseconds.Now());
        command.Parameters.AddWithValue("$max", max);
        var scheduled = new List<ScheduledMessage>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            scheduled.Add(new ScheduledMessage(EnvelopeColumns.Read(reader, 1), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(0))));
        }

        return ValueTask.FromResult<IReadOnlyList<ScheduledMessage>>(scheduled);
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ParkedKey>> ListParkedKeysAsync(string queue, int skip = 0, int take = 100, CancellationToken cancellationToken = default)
    {
        using var connection = _connections.Open();
        return ValueTask.FromResult(ParkedRows.List(connection, queue, skip, take));
    }

    /// <inheritdoc />
    public ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            if (_writer is not null)
            {
                return ValueTask.CompletedTask;
            }

            var directory = Path.GetDirectoryName(Path.GetFullPath(_options.Path));
            if (!string.IsNullOrEmpty(directory))
            {
                Directory.CreateDirectory(directory);
            }

            using (var connection = _connections.Open())
            {
                SqliteConnections.Execute(connection, "PRAGMA journal_mode = WAL");
                SqliteConnections.Execute(connection, $"PRAGMA journal_size_limit = {_options.WalTruncateThreshold}");
                SqliteSchema.Apply(connection);
            }

            var logger = _loggers.CreateLogger("Switchboard.Sqlite");
            _writer = new SqliteWriter(_connections, _options, _signals, logger);
            _watcher = new ChangeWatcher(_connections, _options, _signals, logger);
            _deadLetters = new SqliteDeadLetterQueue(_connections, _writer);
            return ValueTask.CompletedTask;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// The queue's ordering is the last declaration's, for every process that shares the file: declaring it
    /// <see cref="EndpointDeclaration.Ordered"/> makes it ordered, declaring it without makes it unordered again. During a
    /// rolling deploy that changes it, the queue follows whichever version started last.
    /// </remarks>
    public async ValueTask DeclareEndpointAsync(EndpointDeclaration endpoint, CancellationToken cancellationToken = default) =>
        await Writer.ExecuteAsync(new DelegateOperation<bool>(batch =>
        {
            using var queue = batch.CreateCommand();
            queue.CommandText = QueueRanges.Declare;
            queue.Parameters.AddWithValue("$queue", endpoint.Queue);
            queue.ExecuteNonQuery();
            using var ordered = batch.CreateCommand();
            ordered.CommandText = "UPDATE sb_queues SET ordered = $ordered WHERE name = $queue";
            ordered.Parameters.AddWithValue("$ordered", endpoint.Ordered ? 1 : 0);
            ordered.Parameters.AddWithValue("$queue", endpoint.Queue);
            ordered.ExecuteNonQuery();
            batch.Ordered.Forget(endpoint.Queue);
            using var subscription = batch.CreateCommand();
            subscription.CommandText = "INSERT OR IGNORE INTO sb_subscriptions (topic, queue) VALUES ($topic, $queue)";
            var topic = subscription.Parameters.Add(new SqliteParameter { ParameterName = "$topic" });
            subscription.Parameters.AddWithValue("$queue", endpoint.Queue);
            foreach (var name in endpoint.Topics)
            {
                topic.Value = name;
                subscription.ExecuteNonQuery();
            }

            return true;
        }), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public ValueTask SendAsync(string queue, Envelope envelope, DateTimeOffset? deliverAt = null, CancellationToken cancellationToken = default) =>
        new(Writer.ExecuteAsync(new SendOperation(queue, envelope, VisibleAt(deliverAt)), cancellationToken));

    /// <inheritdoc />
    public ValueTask PublishAsync(string topic, Envelope envelope, DateTimeOffset? deliverAt = null, CancellationToken cancellationToken = default) =>
        new(Writer.ExecuteAsync(new PublishOperation(topic, envelope, VisibleAt(deliverAt)), cancellationToken));

    /// <inheritdoc />
    public ValueTask<ITransportReceiver> CreateReceiverAsync(string queue, ReceiverOptions options, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<ITransportReceiver>(new SqliteReceiver(queue, options, Writer, _signals, _options, _loggers.CreateLogger("Switchboard.Sqlite.Receiver")));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        ChangeWatcher? watcher;
        SqliteWriter? writer;
        lock (_lock)
        {
            (watcher, writer) = (_watcher, _writer);
            (_watcher, _writer) = (null, null);
        }

        if (watcher is not null)
        {
            await watcher.DisposeAsync().ConfigureAwait(false);
        }

        if (writer is not null)
        {
            await writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal SqliteWriter Writer => _writer ?? throw NotStarted();

    internal SqliteConnections Connections => _connections;

    /// <summary>Pulsed after local commits and by the change watcher; the event store waits on its own key.</summary>
    internal QueueSignals Signals => _signals;

    private static long VisibleAt(DateTimeOffset? deliverAt) =>
        deliverAt is { } at ? UnixMilliseconds.DueAt(at) : 0;

    private static InvalidOperationException NotStarted() => new("The SQLite transport has not been started.");
}
