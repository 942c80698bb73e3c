using System.Diagnostics;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Switchboard.Diagnostics;
using Switchboard.OpenTelemetry;

namespace Shop.EndToEnd.Tests;

/// <summary>
/// One order is one trace across all six services (issue 16), as an OpenTelemetry pipeline with
/// <c>AddSwitchboardInstrumentation()</c> exports it: the order's HTTP request, then every service's <c>process</c> span
/// of its messages, through the event store, the outbox and the saga, under the request's trace id.
/// </summary>
public sealed class TraceTests
{
    // OpenTelemetry's messaging semantic conventions, as Switchboard's spans carry them.
    private const string ConversationTag = "messaging.message.conversation_id";
    private const string DestinationTag = "messaging.destination.name";

    private static readonly string[] Services = ["order", "payment", "inventory", "shipping", "notification", "analytics"];

    [Fact]
    public async Task One_order_is_one_trace_across_all_six_services()
    {
        var spans = new ExportedSpans();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSwitchboardInstrumentation()
            .AddAspNetCoreInstrumentation()
            .AddInMemoryExporter(spans)
            .Build();
        await using var shop = await ShopUnderTest.StartAsync();

        var id = await shop.PlaceAsync("alice", "tok_visa", new Line("SKU-0001", 1));
        Assert.Equal("completed", (await shop.WaitForTerminalAsync(id)).Status);

        // Other tests' shops run in this process too: their spans carry other conversations. The last services finish
        // after the order is terminal (notification, analytics), so wait for each one's span of this order.
        List<Activity> processing = [];
        var deadline = DateTime.UtcNow + ShopUnderTest.Patience;
        while (true)
        {
            tracing.ForceFlush();
            processing = spans.Snapshot().Where(s => s.Source.Name == SwitchboardDiagnostics.Name && s.Kind == ActivityKind.Consumer
                && (s.GetTagItem(ConversationTag) as string) == id.ToString()).ToList();

            var seen = processing.Select(s => s.GetTagItem(DestinationTag) as string).ToHashSet();
            if (Services.All(seen.Contains))
            {
                break;
            }

            Assert.True(DateTime.UtcNow < deadline, $"Spans of order {id} seen on {string.Join(", ", seen)} only.");
            await Task.Delay(100);
        }

        var request = Assert.Single(spans.Snapshot(), s => s.Kind == ActivityKind.Server && s.DisplayName.StartsWith("POST", StringComparison.Ordinal) && processing.Any(p => p.TraceId == s.TraceId));

        Assert.All(processing, p => Assert.Equal(request.TraceId, p.TraceId));
        Assert.All(processing, p => Assert.NotEqual(default, p.ParentSpanId));
    }

    /// <summary>
    /// What the in-memory exporter adds to: it adds from whichever thread ends a span, while the test reads, so every
    /// access takes the lock and the test reads a copy.
    /// </summary>
    private sealed class ExportedSpans : ICollection<Activity>
    {
        private readonly List<Activity> _spans = [];

        public int Count
        {
            get
            {
                lock (_spans)
                {
                    return _spans.Count;
                }
            }
        }

        public bool IsReadOnly => false;

        public List<Activity> Snapshot()
        {
            lock (_spans)
            {
                return [.. _spans];
            }
        }

        public void Add(Activity item)
        {
            lock (_spans)
            {
                _spans.Add(item);
            }
        }

        public void Clear()
        {
            lock (_spans)
            {
                _spans.Clear();
            }
        }

        public bool Contains(Activity item) => Snapshot().Contains(item);

        public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);

        public bool Remove(Activity item)
        {
            lock (_spans)
            {
                return _spans.Remove(item);
            }
        }

        public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();

        System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
