using Switchboard.Sagas;

namespace Switchboard.Configuration;

/// <summary>
/// Declares a saga on an endpoint: which messages start an instance, which advance one, and how each message is
/// correlated to its instance. Everything is explicit; the saga class implements
/// <see cref="ISagaHandler{TState, TMessage}"/> for every message declared here.
/// </summary>
public sealed class SagaBuilder<TSaga, TState>
    where TSaga : class
    where TState : class, new()
{
    private readonly EndpointBuilder _endpoint;
    private readonly string _name;
    private MissingSagaBehavior _whenMissing = MissingSagaBehavior.Retry;

    internal SagaBuilder(EndpointBuilder endpoint, string name)
    {
        _endpoint = endpoint;
        _name = name;
    }

    /// <summary>
    /// <typeparamref name="TMessage"/> creates the instance for its key when there is none, and advances it when
    /// there is one (two start messages for one key make one instance).
    /// </summary>
    public SagaBuilder<TSaga, TState> StartedBy<TMessage>(Func<TMessage, string> key)
        where TMessage : notnull => Add(key, starts: true);

    /// <summary><typeparamref name="TMessage"/> advances the instance of its key (see <see cref="WhenMissing"/> when there is none).</summary>
    public SagaBuilder<TSaga, TState> Handles<TMessage>(Func<TMessage, string> key)
        where TMessage : notnull => Add(key, starts: false);

    /// <summary>What a non-starting message does when no instance exists for its key; <see cref="MissingSagaBehavior.Retry"/> by default.</summary>
    public SagaBuilder<TSaga, TState> WhenMissing(MissingSagaBehavior behavior)
    {
        _whenMissing = behavior;
        return this;
    }

    private SagaBuilder<TSaga, TState> Add<TMessage>(Func<TMessage, string> key, bool starts)
        where TMessage : notnull
    {
        ArgumentNullException.ThrowIfNull(key);
        if (!typeof(ISagaHandler<TState, TMessage>).IsAssignableFrom(typeof(TSaga)))
        {
            throw new InvalidOperationException($"Saga {typeof(TSaga).Name} must implement ISagaHandler<{typeof(TState).Name}, {typeof(TMessage).Name}> to handle {typeof(TMessage).Name}.");
        }

        var invoker = new SagaInvoker<TSaga, TState, TMessage>(_name, key, starts, () => _whenMissing);
        _endpoint.AddHandler(typeof(TMessage), invoker.InvokeAsync, subscribe: true);
        return this;
    }
}
