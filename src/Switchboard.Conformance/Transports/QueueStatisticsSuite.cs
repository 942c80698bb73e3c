using Switchboard.Conformance.Harness;
using Switchboard.Transport;
using Xunit;

namespace Switchboard.Conformance.Transports;

/// <summary>
/// For a transport that implements <see cref="IQueueStatistics"/> (operators' consoles read it): a queue's ready
/// messages are those due now, and a queue that does not exist has no figures.
/// </summary>
public abstract class QueueStatisticsSuite<TFactory> : TransportSuite<TFactory>
    where TFactory : ITransportFactory, new()
{
    private const string Queue = "statistics";

    /// <summary>Three messages sent now count, one scheduled for later does not; an unknown queue is null.</summary>
    [Fact]
    public async Task Ready_counts_the_messages_due_now_and_an_unknown_queue_has_no_figures()
    {
        await using var transport = Scope.CreateTransport();
        await transport.StartAsync();
        var statistics = Assert.IsAssignableFrom<IQueueStatistics>(transport);
        await transport.DeclareEndpointAsync(new EndpointDeclaration(Queue, []));
        Assert.Equal(0, (await statistics.GetQueueStatisticsAsync(Queue))!.Ready);

        for (var i = 0; i < 3; i++)
        {
            await transport.SendAsync(Queue, RawEnvelopes.Command(i));
        }

        await transport.SendAsync(Queue, RawEnvelopes.Command(3), DateTimeOffset.UtcNow.AddHours(1));

        // A broker may count a message a moment after it confirmed it.
        await WaitForAsync(async () => (await statistics.GetQueueStatisticsAsync(Queue))?.Ready == 3, "three ready messages counted");
        var figures = await statistics.GetQueueStatisticsAsync(Queue);
        Assert.True(figures!.Consumers is null or 0, $"no consumer was attached, yet {figures.Consumers} counted");
        Assert.Null(await statistics.GetQueueStatisticsAsync("no-such-queue"));
    }
}
