namespace Switchboard.Testing;

/// <summary>What the harness saw, in order, and a signal for the waits: every record completes <see cref="Changed"/>.</summary>
internal sealed class HarnessRecorder
{
    private readonly Lock _gate = new();
    private readonly List<ConsumedMessage> _consumed = [];
    private readonly List<DispatchedMessage> _sent = [];
    private readonly List<DispatchedMessage> _published = [];
    private TaskCompletionSource _changed = NewSignal();
    private int _inFlight;
    private long _version;

    /// <summary>Deliveries in a pipeline now (between the acknowledge step and the handlers).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Grows with every record and every delivery that enters or leaves a pipeline.</summary>
    public long Version => Interlocked.Read(ref _version);

    /// <summary>Completes at the next change.</summary>
    public Task Changed
    {
        get
        {
            lock (_gate)
            {
                return _changed.Task;
            }
        }
    }

    public IReadOnlyList<ConsumedMessage> Consumed => Snapshot(_consumed);

    public IReadOnlyList<DispatchedMessage> Sent => Snapshot(_sent);

    public IReadOnlyList<DispatchedMessage> Published => Snapshot(_published);

    public void Entered()
    {
        Interlocked.Increment(ref _inFlight);
        Pulse();
    }

    public void Left()
    {
        Interlocked.Decrement(ref _inFlight);
        Pulse();
    }

    public void Add(ConsumedMessage record) => Add(_consumed, record);

    public void AddSent(DispatchedMessage record) => Add(_sent, record);

    public void AddPublished(DispatchedMessage record) => Add(_published, record);

    private void Add<T>(List<T> list, T record)
    {
        lock (_gate)
        {
            list.Add(record);
        }

        Pulse();
    }

    private void Pulse()
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _version++;
            changed = _changed;
            _changed = NewSignal();
        }

        changed.TrySetResult();
    }

    private T[] Snapshot<T>(List<T> list)
    {
        lock (_gate)
        {
            return [.. list];
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
