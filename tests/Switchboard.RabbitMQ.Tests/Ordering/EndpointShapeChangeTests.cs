using Microsoft.Extensions.Logging;
using Switchboard.Messages;
using Switchboard.Tests.Hosting;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary>
/// An endpoint that changes between ordered and unordered finds the other shape's queues still bound (declarations only
/// add): declaring it warns, naming what is left and how many messages wait there.
/// </summary>
public sealed class EndpointShapeChangeTests : IAsyncLifetime
{
    private const string Queue = "reshaped";
    private const string Topic = "tests.reshaped.v1";
    private readonly string _vhost = "sb-reshape-" + Guid.NewGuid().ToString("N")[..8];

    public Task InitializeAsync() => TestBroker.CreateVhostAsync(_vhost);

    public Task DisposeAsync() => TestBroker.DeleteVhostAsync(_vhost);

    [Fact]
    public async Task An_endpoint_made_ordered_warns_of_its_old_queue_and_the_messages_left_in_it()
    {
        await LeaveMessagesAsync(ordered: false, count: 2);

        var warnings = await DeclareAndRecordWarningsAsync(ordered: true);

        var warning = Assert.Single(warnings);
        Assert.Contains("Endpoint reshaped is ordered, but the plain queue of that name", warning, StringComparison.Ordinal);
        Assert.Contains("2 message(s)", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_made_unordered_warns_of_its_old_order_exchange_and_the_messages_left_in_its_partitions()
    {
        await LeaveMessagesAsync(ordered: true, count: 3);

        var warnings = await DeclareAndRecordWarningsAsync(ordered: false);

        var warning = Assert.Single(warnings);
        Assert.Contains("Endpoint reshaped is not ordered, but the order exchange sb.order.reshaped", warning, StringComparison.Ordinal);
        Assert.Contains("3 message(s)", warning, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_endpoint_declared_again_in_the_same_shape_warns_of_nothing(bool ordered)
    {
        await LeaveMessagesAsync(ordered, count: 1);

        Assert.Empty(await DeclareAndRecordWarningsAsync(ordered));
    }

    // Declares the endpoint in one shape and sends it messages that nobody takes, then waits until the broker counts them.
    private async Task LeaveMessagesAsync(bool ordered, int count)
    {
        await using var transport = new RabbitMqTransport(Options());
        await transport.StartAsync();
        await transport.DeclareEndpointAsync(new EndpointDeclaration(Queue, [Topic]) { Ordered = ordered });
        for (var i = 0; i < count; i++)
        {
            await transport.SendAsync(Queue, new Envelope
            {
                MessageId = Guid.NewGuid().ToString("N"),
                MessageType = Topic,
                SentAt = DateTimeOffset.UtcNow,
                Body = "{}"u8.ToArray(),
            }.WithHeader(HeaderNames.OrderingKey, $"key-{i}"));
        }

        // Quorum queues count a message once it is committed: wait for the count, never for a while.
        await Eventually.UntilAsync(
            async () => (await transport.GetQueueStatisticsAsync(Queue))?.Ready == count,
            $"{count} message(s) counted in {Queue}");
    }

    private async Task<List<string>> DeclareAndRecordWarningsAsync(bool ordered)
    {
        var log = new RecordingLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(log));
        await using var transport = new RabbitMqTransport(Options(), loggers);
        await transport.StartAsync();
        await transport.DeclareEndpointAsync(new EndpointDeclaration(Queue, [Topic]) { Ordered = ordered });
        return [.. log.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message)];
    }

    private RabbitMqTransportOptions Options() => new() { Uri = TestBroker.UriFor(_vhost), Partitions = 2 };
}
