using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Auditing;
using Switchboard.Configuration;
using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Hosting;
using Switchboard.Operations;
using Switchboard.Persistence;
using Switchboard.Transport;

namespace Switchboard.Console;

/// <summary>
/// What the console reads and changes, through the bus's public contracts only (so it works on every transport and
/// store): the API and the pages both call it. Input is checked here; a refusal is a <see cref="ConsoleProblem"/> and
/// changes nothing.
/// </summary>
internal sealed class ConsoleBackend(IServiceProvider services, ConsoleSetup setup)
{
    public const int MaxIdLength = 200;
    public const int MaxFilterLength = 200;
    public const int MaxTake = 500;

    private SwitchboardConsoleOptions Options => setup.Options;

    /// <summary>How many dead letters (and so parked keys) of each endpoint a count or a filtered list scans at most.</summary>
    public int ScanLimit => Options.DeadLetterScanLimit;

    /// <summary>The backend of one request to a console endpoint (minimal APIs bind a handler's parameter of this type with it).</summary>
    public static ValueTask<ConsoleBackend?> BindAsync(HttpContext context)
    {
        var setup = context.GetEndpoint()?.Metadata.GetMetadata<ConsoleSetup>()
            ?? throw new InvalidOperationException("ConsoleBackend is bound on the console's endpoints only.");
        return ValueTask.FromResult<ConsoleBackend?>(new ConsoleBackend(context.RequestServices, setup));
    }

    public IReadOnlyList<EndpointStatus> Endpoints => services.GetService<IEndpointMonitor>()?.Endpoints ?? [];

    private ITransport Transport => services.GetRequiredService<ITransport>();

    public async Task<IReadOnlyList<EndpointRow>> ListEndpointsAsync(CancellationToken cancellationToken)
    {
        var rows = new List<EndpointRow>();
        foreach (var endpoint in Endpoints)
        {
            var queue = await ReadAsync(async () => Transport is IQueueStatistics statistics
                ? await statistics.GetQueueStatisticsAsync(endpoint.Queue, cancellationToken).ConfigureAwait(false)
                : throw new NotSupportedException($"The {Transport.Name} transport does not report queue figures."), cancellationToken).ConfigureAwait(false);
            var deadLetters = await ReadAsync(() => Transport.DeadLetters.CountAsync(endpoint.Queue, cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);
            var ordered = IsOrdered(endpoint.Queue);
            // Every parked key has a dead letter: without one there is nothing to count.
            var parked = !ordered ? (Reading<long?>?)null
                : deadLetters is { Unavailable: null, Value: 0 } ? Reading<long?>.Of(0)
                : await ReadAsync(() => CountParkedKeysAsync(endpoint.Queue, cancellationToken), cancellationToken).ConfigureAwait(false);
            rows.Add(new EndpointRow(endpoint, queue, deadLetters) { Ordered = ordered, ParkedKeys = parked });
        }

        return rows;
    }

    /// <summary>
    /// Whether the endpoint keeps per-key order (<see cref="EndpointDefinition.Ordered"/>): only there does a dead letter
    /// park its key. The bus refuses an ordered endpoint on a transport that is no <see cref="IOrderedTransport"/>.
    /// </summary>
    public bool IsOrdered(string queue) =>
        services.GetService<BusConfiguration>()?.Endpoints.Any(e => e.Queue == queue && e.Ordered) == true
        && Transport is IOrderedTransport;

    /// <summary>
    /// The keys of an endpoint that a dead letter parks, oldest first, and how many there are (null past the scan
    /// limit). An endpoint that is not ordered has none: its list is empty, not a refusal, so a script asks every endpoint alike.
    /// </summary>
    public async Task<ParkedKeyList> ListParkedKeysAsync(string endpoint, int? skip, int? take, CancellationToken cancellationToken)
    {
        var queue = RequireEndpoint(endpoint);
        var (skipped, limit) = CheckPage(skip, take);
        if (!IsOrdered(queue))
        {
            return new ParkedKeyList(queue, false, [], 0);
        }

        var keys = await OrderedTransport.ListParkedKeysAsync(queue, skipped, limit, cancellationToken).ConfigureAwait(false);
        var total = skipped == 0 && keys.Count < limit ? keys.Count : await CountParkedKeysAsync(queue, cancellationToken).ConfigureAwait(false);
        return new ParkedKeyList(queue, true, keys, total);
    }

    /// <summary>The key a dead letter parks, if it parks one (found among the first parked keys, up to the scan limit).</summary>
    public async Task<ParkedKey?> FindParkedKeyAsync(string queue, DeadLetter deadLetter, CancellationToken cancellationToken)
    {
        if (deadLetter.OrderingKey is null || !IsOrdered(queue))
        {
            return null;
        }

        await foreach (var page in ParkedKeyPagesAsync(queue, cancellationToken).ConfigureAwait(false))
        {
            if (page.FirstOrDefault(k => k.DeadLetterId == deadLetter.Id) is { } parked)
            {
                return parked;
            }
        }

        return null;
    }

    public async Task<DeadLetterList> ListDeadLettersAsync(string? endpoint, string? type, string? exception, int? skip, int? take, CancellationToken cancellationToken)
    {
        var queues = endpoint is { Length: > 0 } ? [RequireEndpoint(endpoint)] : Endpoints.Select(e => e.Queue).ToList();
        CheckFilter(type, "type");
        CheckFilter(exception, "exception");
        var (skipped, limit) = CheckPage(skip, take);
        var deadLetters = DeadLetterQueue;
        var found = new List<DeadLetter>();
        var total = 0L;
        foreach (var queue in queues)
        {
            total += await deadLetters.CountAsync(queue, cancellationToken).ConfigureAwait(false);
            for (var offset = 0; offset < Options.DeadLetterScanLimit && found.Count < skipped + limit; offset += 100)
            {
                var page = await deadLetters.ListAsync(queue, offset, Math.Min(100, Options.DeadLetterScanLimit - offset), cancellationToken).ConfigureAwait(false);
                found.AddRange(page.Where(d => Matches(d.Envelope.MessageType, type) && Matches($"{d.ExceptionType} {d.ExceptionMessage} {d.Reason}", exception)));
                if (page.Count < 100)
                {
                    break;
                }
            }
        }

        return new DeadLetterList([.. found.Skip(skipped).Take(limit)], total);
    }

    public async Task<DeadLetter> GetDeadLetterAsync(string endpoint, string id, CancellationToken cancellationToken)
    {
        var queue = RequireEndpoint(endpoint);
        CheckId(id);
        var deadLetters = DeadLetterQueue;
        return await deadLetters.GetAsync(queue, id, cancellationToken).ConfigureAwait(false) ?? throw NoDeadLetter(queue, id);
    }

    /// <summary>Re-drives the dead letters of <paramref name="ids"/> (all of the endpoint's when null); returns how many went back.</summary>
    public async Task<int> RedriveAsync(string endpoint, IReadOnlyCollection<string>? ids, CancellationToken cancellationToken)
    {
        var queue = RequireEndpoint(endpoint);
        var deadLetters = DeadLetterQueue;
        if (ids is null)
        {
            return await deadLetters.RedriveAllAsync(queue, cancellationToken).ConfigureAwait(false);
        }

        CheckIds(ids);
        var redriven = 0;
        foreach (var id in ids)
        {
            redriven += await deadLetters.RedriveAsync(queue, id, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return redriven;
    }

    /// <summary>Deletes the dead letters of <paramref name="ids"/>; returns how many were there.</summary>
    public async Task<int> DeleteAsync(string endpoint, IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
    {
        var queue = RequireEndpoint(endpoint);
        CheckIds(ids);
        var deadLetters = DeadLetterQueue;
        var deleted = 0;
        foreach (var id in ids)
        {
            deleted += await deadLetters.DeleteAsync(queue, id, cancellationToken).ConfigureAwait(false) ? 1 : 0;
        }

        return deleted;
    }

    /// <summary>Deletes every dead letter of an endpoint, when <paramref name="confirm"/> repeats the endpoint's name.</summary>
    public async Task<int> PurgeAsync(string endpoint, string? confirm, CancellationToken cancellationToken)
    {
        var queue = RequireEndpoint(endpoint);
        if (!string.Equals(confirm, queue, StringComparison.Ordinal))
        {
            throw ConsoleProblem.BadRequest($"A purge deletes every dead letter of '{queue}' for good: confirm it by giving the endpoint's name as confirm.");
        }

        var deadLetters = DeadLetterQueue;
        return await deadLetters.PurgeAsync(queue, cancellationToken).ConfigureAwait(false);
    }

    public async Task<OutboxView> GetOutboxAsync(CancellationToken cancellationToken)
    {
        var outbox = RequireOutbox();
        var statistics = await outbox.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
        var quarantined = await outbox.ListQuarantinedAsync(MaxTake, cancellationToken).ConfigureAwait(false);
        return new OutboxView(statistics, quarantined);
    }

    /// <summary>Makes quarantined messages due again (all when <paramref name="ids"/> is null); returns how many.</summary>
    public async Task<int> ReleaseAsync(IReadOnlyCollection<string>? ids, CancellationToken cancellationToken)
    {
        if (ids is not null)
        {
            CheckIds(ids);
        }

        return await RequireOutbox().ReleaseQuarantinedAsync(ids, cancellationToken).ConfigureAwait(false);
    }

    public IReadOnlyList<SagaDescriptor> Sagas => [.. services.GetServices<SagaDescriptor>()];

    public async Task<SagaInstance> FindSagaAsync(string name, string key, CancellationToken cancellationToken)
    {
        var saga = Sagas.FirstOrDefault(s => s.Name == name) ?? throw ConsoleProblem.NotFound("No such saga", $"This application runs no saga named '{name}'.");
        CheckId(key, "key");
        return await saga.FindAsync(services, key, cancellationToken).ConfigureAwait(false)
            ?? throw ConsoleProblem.NotFound("No such saga instance", $"Saga '{name}' has no instance with key '{key}'.");
    }

    public async Task<ProjectionsView> GetProjectionsAsync(CancellationToken cancellationToken)
    {
        var runtime = services.GetService<EventSourcingRuntime>()
            ?? throw ConsoleProblem.Unavailable("This application runs no event store (EventSourcing is not configured).");
        var head = await ReadAsync(() => services.GetRequiredService<IEventStoreReader>().GetEndPositionAsync(cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);
        return new ProjectionsView(runtime.Runners, head, setup.Rebuilds.Failures);
    }

    /// <summary>Starts rebuilding a projection in the background; false when one of it already runs.</summary>
    public bool StartRebuild(string name)
    {
        var runtime = services.GetService<EventSourcingRuntime>()
            ?? throw ConsoleProblem.Unavailable("This application runs no event store (EventSourcing is not configured).");
        var runner = runtime.Runners.FirstOrDefault(r => r.Name == name);
        if (runner is not { IsProjection: true })
        {
            throw ConsoleProblem.NotFound("No such projection", runner is null ? $"There is no projection named '{name}'." : $"'{name}' is a subscription: only a projection is rebuilt.");
        }

        return setup.Rebuilds.Start(runtime, name);
    }

    public async Task<FlowView> ReadFlowAsync(string correlationId, CancellationToken cancellationToken)
    {
        CheckId(correlationId, "correlation id");
        var logs = new List<(string Name, IAuditLog Log)>();
        if (services.GetService<IAuditLog>() is { } own)
        {
            logs.Add(("this application", own));
        }

        logs.AddRange(setup.OtherAuditLogs.Select(l => (l.Name, l.Log.Value)));
        if (logs.Count == 0)
        {
            throw ConsoleProblem.Unavailable("This application keeps no audit log: call UseAudit() on the bus to record message flows.");
        }

        var records = new List<AuditRecord>();
        var unavailable = new List<string>();
        foreach (var (name, log) in logs)
        {
            try
            {
                records.AddRange(await log.ReadConversationAsync(correlationId, Options.MaxFlowRecords, cancellationToken).ConfigureAwait(false));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                unavailable.Add($"{name}: {e.Message}");
            }
        }

        return new FlowView(MessageFlow.Build(correlationId, records), logs.Count, unavailable);
    }

    private string RequireEndpoint(string endpoint) =>
        Endpoints.FirstOrDefault(e => e.Queue == endpoint)?.Queue
        ?? throw ConsoleProblem.NotFound("No such endpoint", $"This application has no endpoint '{Shorten(endpoint)}'.");

    // Null past the scan limit.
    private async Task<long?> CountParkedKeysAsync(string queue, CancellationToken cancellationToken)
    {
        var count = 0L;
        await foreach (var page in ParkedKeyPagesAsync(queue, cancellationToken).ConfigureAwait(false))
        {
            count += page.Count;
            if (page.Count < MaxTake)
            {
                return count;
            }
        }

        return null;
    }

    // A queue's parked keys, a page at a time, oldest first, up to the scan limit: parked keys are fewer than the dead
    // letters, so the dead letters' limit bounds them too. Only the last page is short, unless the limit cut the list.
    private async IAsyncEnumerable<IReadOnlyList<ParkedKey>> ParkedKeyPagesAsync(string queue, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var offset = 0; offset < Options.DeadLetterScanLimit; offset += MaxTake)
        {
            var page = await OrderedTransport.ListParkedKeysAsync(queue, offset, MaxTake, cancellationToken).ConfigureAwait(false);
            yield return page;
            if (page.Count < MaxTake)
            {
                yield break;
            }
        }
    }

    private IOrderedTransport OrderedTransport => (IOrderedTransport)Transport;

    private (int Skip, int Take) CheckPage(int? skip, int? take)
    {
        var limit = take ?? 100;
        if (limit is < 1 or > MaxTake)
        {
            throw ConsoleProblem.BadRequest($"take must be between 1 and {MaxTake}.");
        }

        var skipped = skip ?? 0;
        if (skipped < 0 || skipped > Options.DeadLetterScanLimit)
        {
            throw ConsoleProblem.BadRequest($"skip must be between 0 and {Options.DeadLetterScanLimit}.");
        }

        return (skipped, limit);
    }

    private IOutboxStore RequireOutbox() =>
        services.GetService<IMessageStore>()?.Outbox ?? throw ConsoleProblem.Unavailable("This application has no store, so it has no outbox.");

    // A transport not started yet (its broker unreachable since the host started) has no dead-letter queue to offer.
    private IDeadLetterQueue DeadLetterQueue
    {
        get
        {
            try
            {
                return Transport.DeadLetters;
            }
            catch (InvalidOperationException e)
            {
                throw ConsoleProblem.Unavailable($"The transport is not connected: {e.Message}");
            }
        }
    }

    private static async Task<Reading<T>> ReadAsync<T>(Func<Task<T>> read, CancellationToken cancellationToken)
    {
        try
        {
            return Reading<T>.Of(await read().ConfigureAwait(false));
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return Reading<T>.Missing(e.Message);
        }
    }

    private static bool Matches(string text, string? filter) =>
        filter is not { Length: > 0 } || text.Contains(filter, StringComparison.OrdinalIgnoreCase);

    private static void CheckFilter(string? filter, string name)
    {
        if (filter is { Length: > MaxFilterLength })
        {
            throw ConsoleProblem.BadRequest($"The {name} filter has at most {MaxFilterLength} characters.");
        }
    }

    private static void CheckIds(IReadOnlyCollection<string> ids)
    {
        if (ids.Count is 0 or > MaxTake)
        {
            throw ConsoleProblem.BadRequest($"Name 1 to {MaxTake} ids.");
        }

        foreach (var id in ids)
        {
            CheckId(id);
        }
    }

    private static void CheckId(string? id, string what = "id")
    {
        if (string.IsNullOrWhiteSpace(id) || id.Length > MaxIdLength)
        {
            throw ConsoleProblem.BadRequest($"A {what} has 1 to {MaxIdLength} characters.");
        }
    }

    private static ConsoleProblem NoDeadLetter(string queue, string id) =>
        ConsoleProblem.NotFound("No such dead letter", $"Endpoint '{queue}' has no dead letter '{id}'.");

    private static string Shorten(string text) => text.Length <= 60 ? text : text[..60] + "…";
}

/// <summary>What every endpoint of one mounted console shares, as endpoint metadata.</summary>
internal sealed record ConsoleSetup(SwitchboardConsoleOptions Options, ConsoleRebuilds Rebuilds, IReadOnlyList<(string Name, Lazy<IAuditLog> Log)> OtherAuditLogs);

/// <summary>An endpoint with what its broker reports about its queue.</summary>
internal sealed record EndpointRow(EndpointStatus Endpoint, Reading<QueueStatistics?> Queue, Reading<long> DeadLetters)
{
    /// <summary>Whether the endpoint keeps per-key order.</summary>
    public bool Ordered { get; init; }

    /// <summary>How many of its keys a dead letter parks (null past the scan limit); null when it is not ordered.</summary>
    public Reading<long?>? ParkedKeys { get; init; }
}

/// <summary>A page of an endpoint's parked keys, whether it is ordered at all, and how many it has (null past the scan limit).</summary>
internal sealed record ParkedKeyList(string Queue, bool Ordered, IReadOnlyList<ParkedKey> Items, long? Total);

/// <summary>Dead letters that match a filter, and how many the endpoints hold in all.</summary>
internal sealed record DeadLetterList(IReadOnlyList<DeadLetter> Items, long Total);

/// <summary>The outbox's figures and its quarantined messages.</summary>
internal sealed record OutboxView(OutboxStatistics Statistics, IReadOnlyList<OutboxEntry> Quarantined);

/// <summary>The projections and subscriptions, the event store's last position, and the last failed rebuilds.</summary>
internal sealed record ProjectionsView(IReadOnlyList<EventRunnerStatus> Runners, Reading<long> Head, IReadOnlyDictionary<string, string> FailedRebuilds);

/// <summary>One conversation's flow, from how many audit logs, and the logs that could not be read.</summary>
internal sealed record FlowView(MessageFlow Flow, int Logs, IReadOnlyList<string> Unavailable);
