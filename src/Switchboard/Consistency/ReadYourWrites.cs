using Microsoft.Extensions.DependencyInjection;
using Switchboard.Configuration;
using Switchboard.EventSourcing.Hosting;
using Switchboard.EventSourcing.Projections;
using Switchboard.Persistence;
using Switchboard.Pipeline;

namespace Switchboard.Consistency;

/// <summary>
/// Read your own writes across services: a read that was given the <see cref="ConsistencyToken"/> of a write waits,
/// for at most a timeout, until the model it reads includes that write. A projection has it once it reached the token's
/// position; a model an endpoint keeps (its handlers write it) has it once the endpoint handled the token's messages. A
/// wait that times out returns false and the read answers with what it has (docs/contracts.md, "Read your writes").
/// </summary>
public sealed class ReadYourWrites
{
    private static readonly TimeSpan FirstLook = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan LongestLook = TimeSpan.FromMilliseconds(250);
    private readonly BusConfiguration _configuration;
    private readonly HandledMessageLog _handled;
    private readonly IServiceProvider _services;

    internal ReadYourWrites(BusConfiguration configuration, HandledMessageLog handled, IServiceProvider services)
    {
        _configuration = configuration;
        _handled = handled;
        _services = services;
    }

    /// <summary>
    /// Waits until the projection <typeparamref name="TProjection"/> of this process includes every event up to the
    /// token's position. True when it does (at once when the token has no position); false when <paramref name="timeout"/> passed first.
    /// </summary>
    /// <exception cref="InvalidOperationException">This process has no event sourcing, or no such projection.</exception>
    public async Task<bool> WaitForProjectionAsync<TProjection>(ConsistencyToken token, TimeSpan timeout, CancellationToken cancellationToken = default)
        where TProjection : Projection
    {
        ArgumentNullException.ThrowIfNull(token);
        var projection = (_services.GetService<EventSourcingRuntime>()
            ?? throw new InvalidOperationException($"This process has no event sourcing, so no projection {typeof(TProjection).Name} to wait for.")).Projection<TProjection>();
        if (token.Position is not { } position)
        {
            return true;
        }

        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(timeout);
        try
        {
            await projection.WaitForPositionAsync(position, patience.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    /// <summary>
    /// Waits until the endpoint <paramref name="queue"/> handled every message of the token: handled by this process (it
    /// remembers the last <see cref="HandledMessageLog.KeptPerEndpoint"/> per endpoint) or, when the endpoint keeps an
    /// inbox, by any instance, before or since this process started. True when it did (at once when the token names no
    /// message); false when <paramref name="timeout"/> passed first.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="queue"/> is not an endpoint of this process.</exception>
    public async Task<bool> WaitForEndpointAsync(string queue, ConsistencyToken token, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(token);
        var endpoint = _configuration.Endpoints.FirstOrDefault(e => e.Queue == queue)
            ?? throw new ArgumentException($"'{queue}' is not an endpoint of this process; its endpoints are {string.Join(", ", _configuration.Endpoints.Select(e => e.Queue))}.", nameof(queue));
        var inbox = endpoint.Options.Transactional is { Inbox: true } ? _services.GetService<IMessageStore>() : null;
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        patience.CancelAfter(timeout);
        try
        {
            foreach (var messageId in token.MessageIds)
            {
                await WaitForMessageAsync(queue, messageId, inbox, patience.Token).ConfigureAwait(false);
            }

            return true;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    // Another instance's handling shows only in the shared inbox: look there now and then, and wake at once when this
    // process handles the message itself.
    private async Task WaitForMessageAsync(string queue, string messageId, IMessageStore? inbox, CancellationToken cancellationToken)
    {
        var look = FirstLook;
        while (true)
        {
            var handledHere = _handled.Watch(queue, messageId);
            try
            {
                if (_handled.Contains(queue, messageId)
                    || (inbox is not null && await inbox.WasHandledAsync(queue, messageId, cancellationToken).ConfigureAwait(false)))
                {
                    return;
                }

                using (var wake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    var nextLook = Task.Delay(inbox is null ? Timeout.InfiniteTimeSpan : look, wake.Token);
                    await Task.WhenAny(handledHere, nextLook).ConfigureAwait(false);
                    await wake.CancelAsync().ConfigureAwait(false);
                }

                cancellationToken.ThrowIfCancellationRequested();
            }
            finally
            {
                if (!handledHere.IsCompleted)
                {
                    _handled.Unwatch(queue, messageId);
                }
            }

            look = TimeSpan.FromTicks(Math.Min(look.Ticks * 2, LongestLook.Ticks));
        }
    }
}
