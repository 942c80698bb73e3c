using System.Collections.Concurrent;
using Switchboard.Pipeline;

namespace Switchboard.Conformance.Stores;

/// <summary>How one received message was settled.</summary>
/// <param name="Endpoint">The endpoint that received it.</param>
/// <param name="MessageType">Its registered type name.</param>
/// <param name="MessageId">Its id.</param>
/// <param name="Settlement">What the pipeline decided (acknowledged, deferred, dead-lettered, abandoned).</param>
public sealed record Settled(string Endpoint, string MessageType, string MessageId, Settlement Settlement);

/// <summary>
/// Every message the test's buses settled, so that a test can tell that a message arrived and was acknowledged
/// even when nothing else shows it (a duplicate, a late timeout, a message a saga ignored).
/// </summary>
public sealed class SettlementLog
{
    private readonly ConcurrentQueue<Settled> _settled = new();

    /// <summary>Everything settled so far.</summary>
    public IReadOnlyList<Settled> All => _settled.ToArray();

    /// <summary>Records one settlement.</summary>
    public void Record(Settled settled) => _settled.Enqueue(settled);

    /// <summary>How many times <paramref name="endpoint"/> settled <paramref name="messageId"/> as <paramref name="settlement"/>.</summary>
    public int Count(string endpoint, string messageId, Settlement settlement = Settlement.Complete) =>
        All.Count(s => s.Endpoint == endpoint && s.MessageId == messageId && s.Settlement == settlement);

    /// <summary>How many messages of <paramref name="messageType"/> <paramref name="endpoint"/> settled as <paramref name="settlement"/>.</summary>
    public int CountOfType(string endpoint, string messageType, Settlement settlement = Settlement.Complete) =>
        All.Count(s => s.Endpoint == endpoint && s.MessageType == messageType && s.Settlement == settlement);
}

/// <summary>The outermost receive step of the suites' buses: records how each message was settled.</summary>
internal sealed class SettlementObserver(SettlementLog log) : IReceiveStep
{
    public const string StepName = "store-suite-settlements";

    public async ValueTask InvokeAsync(ReceiveContext context, ReceiveDelegate next)
    {
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            log.Record(new Settled(context.Endpoint, context.Envelope.MessageType, context.Envelope.MessageId, context.Settlement));
        }
    }
}

/// <summary>
/// Holds the first arrivals until <c>parties</c> have arrived (or a maximum wait has passed), so that concurrent
/// handlers really overlap; later arrivals pass at once. It only makes races likely: a test never depends on it.
/// </summary>
public sealed class Rendezvous(int parties)
{
    private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _arrived;

    /// <summary>Arrives and waits for the others, at most <paramref name="maxWait"/>.</summary>
    public async ValueTask ArriveAsync(TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        if (Interlocked.Increment(ref _arrived) >= parties)
        {
            _all.TrySetResult();
        }

        try
        {
            await _all.Task.WaitAsync(maxWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Proceed alone: the racers did not meet (e.g. a store that serializes writers).
        }
    }
}

/// <summary>What the suites' sagas and handlers saw and did, shared by every bus of a test.</summary>
public sealed class StoreProbe
{
    private readonly ConcurrentQueue<object> _received = new();
    private int _sagaInvocations;

    /// <summary>When set, the suites' sagas and handlers meet here before they change anything.</summary>
    public Rendezvous? Gate { get; set; }

    /// <summary>Commands and events the suites' plain handlers received, in arrival order.</summary>
    public IReadOnlyList<object> Received => _received.ToArray();

    /// <summary>How many times a saga handler of the suites ran (every attempt counts).</summary>
    public int SagaInvocations => Volatile.Read(ref _sagaInvocations);

    /// <summary>Records a received message.</summary>
    public void Record(object message) => _received.Enqueue(message);

    /// <summary>Counts a saga handler run.</summary>
    public void SagaInvoked() => Interlocked.Increment(ref _sagaInvocations);

    /// <summary>Meets the <see cref="Gate"/>, when there is one.</summary>
    public ValueTask MeetAsync(CancellationToken cancellationToken) =>
        Gate is { } gate ? gate.ArriveAsync(TimeSpan.FromSeconds(2), cancellationToken) : ValueTask.CompletedTask;
}
