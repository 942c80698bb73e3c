using Switchboard.Pipeline;

namespace Switchboard.Tests.Pipeline;

public sealed class ReceivePipelineBuilderTests
{
    private sealed class Noop : IReceiveStep
    {
        public ValueTask InvokeAsync(ReceiveContext context, ReceiveDelegate next) => next(context);
    }

    private static readonly Func<PipelineServices, IReceiveStep> Step = _ => new Noop();

    [Fact]
    public void Steps_are_inserted_relative_to_named_steps()
    {
        var pipeline = new ReceivePipelineBuilder().Add("a", Step).Add("d", Step);

        pipeline.InsertAfter("a", "b", Step).InsertBefore("d", "c", Step).InsertBefore("a", "start", Step);

        Assert.Equal(["start", "a", "b", "c", "d"], pipeline.StepNames);
    }

    [Fact]
    public void Naming_a_missing_step_says_which_steps_exist()
    {
        var pipeline = new ReceivePipelineBuilder().Add("a", Step);

        var error = Assert.Throws<InvalidOperationException>(() => pipeline.InsertAfter("nope", "b", Step));
        Assert.Contains("Steps: a", error.Message);
    }

    [Fact]
    public void A_step_name_is_used_once()
    {
        var pipeline = new ReceivePipelineBuilder().Add("a", Step);

        Assert.Throws<InvalidOperationException>(() => pipeline.Add("a", Step));
    }

    [Fact]
    public void The_default_pipeline_runs_in_the_documented_order()
    {
        Assert.Equal(
            [StepNames.Acknowledge, StepNames.Trace, StepNames.Deserialize, StepNames.Retry, StepNames.Scope, StepNames.Dispatch, StepNames.Invoke],
            DefaultPipeline.Create().StepNames);
    }
}
