using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Auditing;
using Switchboard.InMemory;

namespace Switchboard.Tests.Auditing;

/// <summary>The audit writer across a stop and a new start, as when the bus stops and starts again in one process.</summary>
public sealed class AuditWriterTests
{
    [Fact]
    public async Task Records_buffered_before_a_stop_are_written_and_a_new_start_takes_records_again()
    {
        await using var store = new InMemoryMessageStore();
        var writer = new AuditWriter(store.AuditLog, new AuditOptions(), TimeProvider.System, NullLogger.Instance);

        writer.Start();
        await writer.WriteAsync(Record("before"), CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);
        Assert.Single(await store.AuditLog.ReadMessageAsync("before"));

        writer.Start();
        await writer.WriteAsync(Record("after"), CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);
        Assert.Single(await store.AuditLog.ReadMessageAsync("after"));
    }

    [Fact]
    public async Task A_stop_cut_short_leaves_a_writer_that_starts_again()
    {
        await using var store = new InMemoryMessageStore();
        var writer = new AuditWriter(store.AuditLog, new AuditOptions(), TimeProvider.System, NullLogger.Instance);

        // Never started: the stop finds the record still buffered, and its patience is gone at once.
        await writer.WriteAsync(Record("lost"), CancellationToken.None);
        await writer.StopAsync(new CancellationToken(canceled: true));

        writer.Start();
        await writer.WriteAsync(Record("kept"), CancellationToken.None);
        await writer.StopAsync(CancellationToken.None);
        Assert.Single(await store.AuditLog.ReadMessageAsync("kept"));
    }

    private static AuditRecord Record(string id) => new()
    {
        MessageId = id,
        MessageType = "tests.ping.v1",
        Endpoint = "ping",
        Service = "tests",
        Instance = "host/1",
        FinishedAt = DateTimeOffset.UtcNow,
    };
}
