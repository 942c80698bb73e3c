using Microsoft.Extensions.DependencyInjection;
using Switchboard.Consistency;

namespace Switchboard.Tests.Consistency;

/// <summary>Issue 18: a read waits, at most a timeout, until the endpoint whose model it reads handled the write's messages.</summary>
public sealed class ReadYourWritesTests
{
    private const string Queue = "reports";

    [Fact]
    public async Task A_read_waits_until_the_endpoint_handled_the_message_and_no_longer()
    {
        var gate = new Gate();
        using var host = await TestHost.StartAsync(
            bus => bus.Message<Report>("tests.report.v1").Endpoint(Queue, e => e.Handle<Report, GatedHandler>()),
            services => services.AddSingleton(gate));
        var reads = host.Services.GetRequiredService<ReadYourWrites>();
        var bus = host.Services.GetRequiredService<IBus>();

        await bus.SendAsync(new Report(1), new SendOptions { Destination = Queue, MessageId = "report-1" });
        var token = new ConsistencyToken(null, ["report-1"]);
        await gate.Entered.Task.WaitAsync(TimeSpan.FromSeconds(30));

        // The handler has not finished: a short wait gives up and says so.
        Assert.False(await reads.WaitForEndpointAsync(Queue, token, TimeSpan.FromMilliseconds(100)));

        var waiting = reads.WaitForEndpointAsync(Queue, token, TimeSpan.FromSeconds(30));
        gate.Release.SetResult();
        Assert.True(await waiting);

        // Once handled, a later read does not wait at all.
        Assert.True(await reads.WaitForEndpointAsync(Queue, token, TimeSpan.Zero));
        await host.StopAsync();
    }

    [Fact]
    public async Task A_token_without_messages_is_reached_at_once_and_an_unknown_endpoint_is_refused()
    {
        using var host = await TestHost.StartAsync(
            bus => bus.Message<Report>("tests.report.v1").Endpoint(Queue, e => e.Handle<Report, GatedHandler>()),
            services => services.AddSingleton(new Gate()));
        var reads = host.Services.GetRequiredService<ReadYourWrites>();

        Assert.True(await reads.WaitForEndpointAsync(Queue, new ConsistencyToken(42), TimeSpan.Zero));
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => reads.WaitForEndpointAsync("elsewhere", new ConsistencyToken(null, ["x"]), TimeSpan.Zero));
        Assert.Contains(Queue, refused.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<InvalidOperationException>(() => reads.WaitForProjectionAsync<Switchboard.EventSourcing.Projections.Projection>(new ConsistencyToken(1), TimeSpan.Zero));
        await host.StopAsync();
    }

    [Theory]
    [InlineData(1234L, new[] { "a", "b,c;d" }, "p=1234;m=a,b%2Cc%3Bd")]
    [InlineData(7L, new string[0], "p=7")]
    [InlineData(null, new[] { "only" }, "m=only")]
    public void A_token_round_trips_through_its_header_text(long? position, string[] ids, string text)
    {
        var token = new ConsistencyToken(position, ids);

        Assert.Equal(text, token.ToString());
        Assert.True(ConsistencyToken.TryParse(text, out var parsed));
        Assert.Equal(position, parsed.Position);
        Assert.Equal(ids, parsed.MessageIds);
    }

    [Theory]
    [InlineData("p=-1")]
    [InlineData("p=abc")]
    [InlineData("x=1")]
    [InlineData("p=1;p=2")]
    [InlineData("m=a,,b")]
    public void Anything_else_is_not_a_token(string text)
    {
        Assert.False(ConsistencyToken.TryParse(text, out _));
        Assert.False(ConsistencyToken.TryParse("m=" + string.Join(',', Enumerable.Range(0, ConsistencyToken.MaxMessageIds + 1)), out _));
    }

    [Fact]
    public void Two_tokens_together_keep_the_later_position_and_every_message()
    {
        var both = new ConsistencyToken(10, ["a"]).And(new ConsistencyToken(4, ["b", "a"]));

        Assert.Equal(10, both.Position);
        Assert.Equal(["a", "b"], both.MessageIds);
    }

    public sealed record Report(int Number);

    private sealed class Gate
    {
        public TaskCompletionSource Entered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed class GatedHandler(Gate gate) : IMessageHandler<Report>
    {
        public async ValueTask HandleAsync(Report message, IMessageContext context, CancellationToken cancellationToken)
        {
            gate.Entered.TrySetResult();
            await gate.Release.Task.WaitAsync(cancellationToken);
        }
    }
}
