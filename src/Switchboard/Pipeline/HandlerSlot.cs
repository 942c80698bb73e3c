namespace Switchboard.Pipeline;

/// <summary>
/// The handler slot of the message being handled: one of the endpoint's <see cref="Configuration.EndpointOptions.Concurrency"/>.
/// Code inside a handler that waits on I/O (a saga's or an aggregate's load) gives it back meanwhile, so that other
/// messages' handlers run, and takes it again before it goes on. Resolvable from the handler's scope; a handler that
/// calls a slow service may use it too.
/// </summary>
public sealed class HandlerSlot
{
    private SemaphoreSlim? _slots;
    private bool _held;

    /// <summary>Awaits <paramref name="pending"/> without holding the slot, unless it has completed already.</summary>
    public async ValueTask<T> WithoutSlotAsync<T>(ValueTask<T> pending, CancellationToken cancellationToken = default)
    {
        if (pending.IsCompleted || !_held)
        {
            return await pending.ConfigureAwait(false);
        }

        Release();
        try
        {
            return await pending.ConfigureAwait(false);
        }
        finally
        {
            await ReacquireAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Gives the slot back (nothing when it is not held).</summary>
    public void Release()
    {
        if (_held)
        {
            _held = false;
            _slots!.Release();
        }
    }

    /// <summary>Takes the slot again after <see cref="Release"/> (nothing when it is held, or the message never had one).</summary>
    public async ValueTask ReacquireAsync(CancellationToken cancellationToken = default)
    {
        if (_slots is not null && !_held)
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            _held = true;
        }
    }

    /// <summary>The invoke step took one of <paramref name="slots"/> for this message.</summary>
    internal void Took(SemaphoreSlim slots)
    {
        _slots = slots;
        _held = true;
    }
}
