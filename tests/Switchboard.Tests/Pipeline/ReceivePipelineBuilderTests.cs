using Microsoft.Extensions.DependencyInjection;
using Switchboard.Configuration;
using Switchboard.InMemory;
using Switchboard.Pipeline;
using Switchboard.Runtime;
using Switchboard.Tests.Hosting;

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

    [Theory]
    [InlineData(false, StepNames.Dispatch)]
    [InlineData(true, StepNames.Transaction)]
    public async Task The_built_in_steps_run_in_the_documented_order(bool transactional, string sending)
    {
        var collection = new ServiceCollection().AddLogging();
        collection.AddSwitchboard(bus => bus
            .UseInMemory(new InMemoryNetwork())
            .UseInMemoryStore()
            .Message<Ping>("tests.ping.v1")
            .Endpoint("ping", e =>
            {
                e.Handle<Ping, FirstPingHandler>();
                if (transactional)
                {
                    e.Transactional();
                }
            }));
        await using var services = collection.BuildServiceProvider();
        var endpoint = services.GetRequiredService<BusConfiguration>().Endpoints.Single();

        Assert.Equal(
            [StepNames.Acknowledge, StepNames.Trace, StepNames.Deserialize, StepNames.Retry, StepNames.Scope, sending, StepNames.Invoke],
            EndpointPipeline.Create(endpoint, services).StepNames);
    }

    [Fact]
    public async Task The_bus_wide_changes_apply_before_the_endpoints_own()
    {
        var collection = new ServiceCollection().AddLogging();
        collection.AddSwitchboard(bus => bus
            .UseInMemory(new InMemoryNetwork())
            .Message<Ping>("tests.ping.v1")
            .ConfigurePipeline(p => p.InsertBefore(StepNames.Invoke, "audit", Step))
            .Endpoint("ping", e => e.Handle<Ping, FirstPingHandler>().ConfigurePipeline(p => p.Remove("audit").InsertAfter(StepNames.Acknowledge, "own", Step))));
        await using var services = collection.BuildServiceProvider();
        var endpoint = services.GetRequiredService<BusConfiguration>().Endpoints.Single();

        Assert.Equal(
            [StepNames.Acknowledge, "own", StepNames.Trace, StepNames.Deserialize, StepNames.Retry, StepNames.Scope, StepNames.Dispatch, StepNames.Invoke],
            EndpointPipeline.Create(endpoint, services).StepNames);
    }
}
