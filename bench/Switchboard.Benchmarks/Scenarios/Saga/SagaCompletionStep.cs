using Microsoft.Extensions.DependencyInjection;
using Switchboard.Benchmarks.Measurement;
using Switchboard.Pipeline;

namespace Switchboard.Benchmarks.Scenarios.Saga;

/// <summary>
/// Wraps the saga endpoint's unit of work (just outside the transaction step) and reports an order as terminal
/// to the run only after the unit of work that made it so has committed: a terminal state that rolled back or
/// lost a race is never counted. An order that reached the wrong terminal state counts as unexpected.
/// </summary>
public sealed class SagaCompletionStep(CurrentRun run) : IReceiveStep
{
    /// <summary>The step's name in the pipeline.</summary>
    public const string Name = "bench-saga-completion";

    /// <inheritdoc />
    public ValueTask InvokeAsync(ReceiveContext context, ReceiveDelegate next)
    {
        var handling = next(context);
        if (!handling.IsCompletedSuccessfully)
        {
            return AfterAsync(handling, context);
        }

        handling.GetAwaiter().GetResult();
        Report(context);
        return ValueTask.CompletedTask;
    }

    private async ValueTask AfterAsync(ValueTask handling, ReceiveContext context)
    {
        await handling.ConfigureAwait(false);
        Report(context);
    }

    private void Report(ReceiveContext context)
    {
        var transition = context.Services?.GetService<SagaTransition>();
        if (transition is { IsTerminal: true })
        {
            var expected = transition.Status == OrderSagaState.ExpectedOutcome(transition.Amount);
            run.Tracker.Complete(transition.OrderId, transition.Amount, expected ? 0 : -1);
        }
    }
}
