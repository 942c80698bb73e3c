using Switchboard.Auditing;
using Switchboard.EventSourcing;
using Switchboard.Persistence;
using Switchboard.PostgreSql;
using Switchboard.RabbitMQ;
using Switchboard.Sqlite;
using Switchboard.Sqlite.Events;
using Switchboard.Sqlite.Store;
using Switchboard.Transport;

namespace Switchboard.Cli;

/// <summary>
/// What the CLI talks to, from its connection options: a SQLite file (transport and store in one file, the embedded
/// default), RabbitMQ for dead letters and PostgreSQL store schemas for the outbox and the audit log, or a running
/// application's console API. Nothing is created: a missing file or schema is an error, never a new empty one.
/// </summary>
internal sealed class Backend : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly List<IDisposable> _disposables = [];

    private Backend()
    {
    }

    /// <summary>The dead letters of the transport; null when no transport was named.</summary>
    public IDeadLetterQueue? DeadLetters { get; private set; }

    /// <summary>The parked keys of the transport's ordered queues; null when no transport was named.</summary>
    public IParkedKeyAccess? ParkedKeys { get; private set; }

    /// <summary>Each store's name (file or schema) with its audit log; or the console, which reads every log it knows.</summary>
    public List<(string Name, IConversationSource Log)> AuditLogs { get; } = [];

    /// <summary>Each store's name with its outbox; or the console's application's.</summary>
    public List<(string Name, IOutboxAccess Outbox)> Outboxes { get; } = [];

    /// <summary>The running application's console API, with <c>--console</c>: what only the application knows (its endpoints, sagas, projections).</summary>
    public ConsoleApiClient? Console { get; private set; }

    /// <summary>Each event store's name with its reader and its subscriptions' and projections' checkpoints.</summary>
    public List<(string Name, IEventStoreReader Events, ICheckpointStore Checkpoints)> EventStores { get; } = [];

    public static async Task<Backend> OpenAsync(Connection connection, CancellationToken cancellationToken)
    {
        var backend = new Backend();
        try
        {
            if (connection.Sqlite is { } path)
            {
                if (!File.Exists(path))
                {
                    throw new CliException($"There is no SQLite file '{path}'.");
                }

                var transport = new SqliteTransport(new SqliteTransportOptions { Path = path });
                backend._owned.Add(transport);
                await transport.StartAsync(cancellationToken).ConfigureAwait(false);
                var store = new SqliteMessageStore(transport);
                backend._owned.Add(store);
                await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
                backend.DeadLetters = transport.DeadLetters;
                backend.ParkedKeys = new TransportParkedKeys(transport);
                backend.AuditLogs.Add((path, new AuditLogSource(store.AuditLog)));
                backend.Outboxes.Add((path, new StoreOutbox(store.Outbox)));
                var events = new SqliteEventStore(transport);
                backend._owned.Add(events);
                await events.InitializeAsync(cancellationToken).ConfigureAwait(false);
                backend.EventStores.Add((path, events, events));
            }

            if (connection.RabbitMq is { } uri)
            {
                var transport = new RabbitMqTransport(new RabbitMqTransportOptions { Uri = uri, DeclareTopology = false, ConnectionName = "switchboard-cli" });
                backend._owned.Add(transport);
                await transport.StartAsync(cancellationToken).ConfigureAwait(false);
                backend.DeadLetters = transport.DeadLetters;
                backend.ParkedKeys = new TransportParkedKeys(transport);
            }

            if (connection.Postgres is { } connectionString)
            {
                foreach (var schema in connection.Schemas)
                {
                    // Not initialized: the CLI reads and changes an existing store, it never creates or migrates one.
                    var store = new PostgreSqlMessageStore(new PostgreSqlStoreOptions { ConnectionString = connectionString, Schema = schema });
                    backend._owned.Add(store);
                    backend.AuditLogs.Add((schema, new AuditLogSource(store.AuditLog)));
                    backend.Outboxes.Add((schema, new StoreOutbox(store.Outbox)));
                    var events = new PostgreSqlEventStore(new PostgreSqlEventStoreOptions { ConnectionString = connectionString, Schema = schema, ListenForAppends = false });
                    backend._owned.Add(events);
                    backend.EventStores.Add((schema, events, events));
                }
            }

            if (connection.Console is { } console)
            {
                var client = new ConsoleApiClient(console, connection.Token);
                backend._disposables.Add(client);
                backend.Console = client;
                backend.DeadLetters = new ConsoleDeadLetterQueue(client);
                backend.ParkedKeys = new ConsoleParkedKeys(client);
                backend.AuditLogs.Add((client.Name, new ConsoleFlowSource(client)));
                backend.Outboxes.Add((client.Name, new ConsoleOutbox(client)));
            }

            return backend;
        }
        catch
        {
            await backend.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync().ConfigureAwait(false);
        }

        foreach (var disposable in _disposables)
        {
            disposable.Dispose();
        }
    }
}

/// <summary>The connection options as given.</summary>
internal sealed record Connection(string? Sqlite, Uri? RabbitMq, string? Postgres, IReadOnlyList<string> Schemas, Uri? Console = null, string? Token = null);

/// <summary>A failure the CLI explains in one line (exit code 1).</summary>
internal sealed class CliException(string message) : Exception(message);
