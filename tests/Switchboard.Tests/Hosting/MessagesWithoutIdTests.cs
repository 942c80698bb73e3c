using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Configuration;
using Switchboard.InMemory;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Tests.Hosting;

/// <summary>
/// Issue 13, item 5: the inbox used to record the first message without an id under <c>''</c>, and acknowledged every
/// later one as its duplicate, unhandled. Now none is handled and each is dead-lettered with the reason.
/// </summary>
public sealed class MessagesWithoutIdTests
{
    private const string Queue = "ping";

    [Fact]
    public async Task Messages_without_an_id_at_an_endpoint_with_an_inbox_are_each_dead_lettered_and_none_is_handled()
    {
        var seen = new Seen();
        var network = new InMemoryNetwork();
        using var host = await TestHost.StartAsync(
            bus => bus.Message<Ping>("tests.ping.v1").UseInMemoryStore().Endpoint(Queue, e => e.Handle<Ping, FirstPingHandler>().Transactional()),
            services => services.AddSingleton(seen),
            network);
        await using var producer = new InMemoryTransport(network);
        await producer.StartAsync();

        string?[] blanks = [null, "", "  "];
        foreach (var blank in blanks)
        {
            await producer.SendAsync(Queue, WithoutId(blank, new Ping(1)));
        }

        var deadLetters = host.Services.GetRequiredService<IDeadLetterQueue>();
        await TestHost.WaitUntilAsync(() => deadLetters.CountAsync(Queue).AsTask().Result == blanks.Length, "every message without an id dead-lettered");
        Assert.All(await deadLetters.ListAsync(Queue), letter => Assert.Equal("message has no message id", letter.Reason));
        Assert.Empty(seen.Entries);

        await host.Services.GetRequiredService<IBus>().SendAsync(Queue, new Ping(2));
        await TestHost.WaitUntilAsync(() => !seen.Entries.IsEmpty, "the ping with an id");
        Assert.Equal(["first:2"], seen.Entries);
        await host.StopAsync();
    }

    [Theory]
    [InlineData("")]
    [InlineData(" ")]
    public async Task A_blank_message_id_is_refused_when_sending(string blank)
    {
        using var host = await TestHost.StartAsync(bus => bus.Message<Ping>("tests.ping.v1").Endpoint(Queue, e => e.Handle<Ping, FirstPingHandler>()), services => services.AddSingleton(new Seen()));
        var bus = host.Services.GetRequiredService<IBus>();

        await Assert.ThrowsAsync<ArgumentException>(async () => await bus.SendAsync(new Ping(1), new SendOptions { Destination = Queue, MessageId = blank }));
        await Assert.ThrowsAsync<ArgumentException>(async () => await bus.PublishAsync(new Ping(1), new PublishOptions { MessageId = blank }));
        await host.StopAsync();
    }

    private static Envelope WithoutId(string? blank, Ping ping) => new()
    {
        MessageId = blank!,
        MessageType = "tests.ping.v1",
        SentAt = DateTimeOffset.UtcNow,
        Body = JsonSerializer.SerializeToUtf8Bytes(ping, JsonSerializerOptions.Web),
    };
}
