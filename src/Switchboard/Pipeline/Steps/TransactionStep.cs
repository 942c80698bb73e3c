using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Diagnostics;
using Switchboard.Messages;
using Switchboard.Persistence;
using Switchboard.Sending;

namespace Switchboard.Pipeline.Steps;

/// <summary>
/// The unit of work of a transactional endpoint, in place of the plain dispatch step: skips a message the inbox
/// has seen, runs the handlers inside a store transaction, then records the message in the inbox, enlists what
/// the handlers sent (outbox, or the transport's own tables when they share the database) and, when the transport keeps
/// its queues in the store's database, the message's acknowledgement (<see cref="IEnlistableCompletion"/>), and commits it all at
/// once, together with what the scope's participants hold (the appends of an <see cref="EventSourcing.IEventSession"/>).
/// Only after the commit are outbox messages dispatched; what a crash leaves behind, the relay sends.
/// A lost optimistic-concurrency race reruns the handlers at once with fresh state.
/// </summary>
internal sealed class TransactionStep(IMessageStore store, Outbound outbound, TransactionalOptions options, ILogger logger) : IReceiveStep
{
    public async ValueTask InvokeAsync(ReceiveContext context, ReceiveDelegate next)
    {
        var messageContext = context.MessageContext ?? throw new InvalidOperationException("The transaction step needs the scope step before it.");
        var unitOfWork = context.Services!.GetRequiredService<UnitOfWork>();
        var endpoint = context.Endpoint;
        var messageId = context.Envelope.MessageId;
        var cancellationToken = context.CancellationToken;
        if (options.Inbox && await store.WasHandledAsync(endpoint, messageId, cancellationToken).ConfigureAwait(false))
        {
            Duplicate(context);
            return;
        }

        for (var attempt = 1; ; attempt++)
        {
            OutgoingMessage[]? toDispatch = null;
            var committed = false;
            var transaction = await store.BeginAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                unitOfWork.Attach(transaction);
                await next(context).ConfigureAwait(false);
                await unitOfWork.PrepareCommitAsync(context.Envelope, cancellationToken).ConfigureAwait(false);
                if (options.Inbox && !await transaction.TryRecordHandledAsync(endpoint, messageId, cancellationToken).ConfigureAwait(false))
                {
                    // Another consumer committed the same message meanwhile: this attempt's effects roll back.
                    messageContext.ClearOutgoing();
                    Duplicate(context);
                    return;
                }

                var dispatchAfterCommit = await outbound.EnlistAsync(transaction, messageContext.Outgoing, cancellationToken).ConfigureAwait(false);
                var completion = context.Incoming as IEnlistableCompletion;
                var acknowledged = completion?.TryEnlistCompletion(transaction) == true;
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                if (acknowledged)
                {
                    completion!.CompletedByCommit();
                }

                messageContext.ClearOutgoing();
                committed = true;
                toDispatch = dispatchAfterCommit;
            }
            catch (Exception e) when (store.IsConcurrencyConflict(e) && attempt <= options.MaxConflictRetries && !cancellationToken.IsCancellationRequested)
            {
                messageContext.ClearOutgoing();
                SwitchboardDiagnostics.ConcurrencyConflicts.Add(1);
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    logger.LogDebug(e, "{MessageType} {MessageId} at {Endpoint} lost a concurrency race (attempt {Attempt}); running it again", context.Envelope.MessageType, messageId, endpoint, attempt);
                }
            }
            finally
            {
                unitOfWork.Detach();
                // Before the dispatch below: the store's connection is not held while messages go out.
                await transaction.DisposeAsync().ConfigureAwait(false);
            }

            if (committed)
            {
                if (toDispatch is not null)
                {
                    // Committed already: a failure here only leaves the messages to the relay, and so does an
                    // endpoint that stops and no longer waits for its handlers.
                    await outbound.DispatchCommittedAsync(store.Outbox, toDispatch, cancellationToken).ConfigureAwait(false);
                }

                await unitOfWork.CommittedAsync(CancellationToken.None).ConfigureAwait(false);
                return;
            }

            // A little jitter, so that racers spread out instead of colliding again in lockstep.
            await Task.Delay(Random.Shared.Next(0, Math.Min(attempt, 20)), cancellationToken).ConfigureAwait(false);
        }
    }

    private void Duplicate(ReceiveContext context)
    {
        SwitchboardDiagnostics.InboxDuplicates.Add(1, new KeyValuePair<string, object?>(MessagingTags.Destination, context.Endpoint));
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("{MessageType} {MessageId} was already handled at {Endpoint}; acknowledged without running the handlers again", context.Envelope.MessageType, context.Envelope.MessageId, context.Endpoint);
        }
    }
}
