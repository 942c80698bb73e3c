using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Switchboard.Diagnostics;

/// <summary>
/// The framework's <see cref="ActivitySource"/> and <see cref="Meter"/>, both named <c>Switchboard</c>.
/// Subscribe with OpenTelemetry's <c>AddSource("Switchboard")</c> and <c>AddMeter("Switchboard")</c>.
/// </summary>
public static class SwitchboardDiagnostics
{
    /// <summary>The name of the activity source and the meter.</summary>
    public const string Name = "Switchboard";

    /// <summary>Spans for send, publish and process, following OpenTelemetry's messaging conventions.</summary>
    public static ActivitySource ActivitySource { get; } = new(Name, typeof(SwitchboardDiagnostics).Assembly.GetName().Version?.ToString());

    /// <summary>Counters and histograms of the bus.</summary>
    public static Meter Meter { get; } = new(Name, typeof(SwitchboardDiagnostics).Assembly.GetName().Version?.ToString());

    internal static Counter<long> Sent { get; } = Meter.CreateCounter<long>("messaging.client.sent.messages", "{message}", "Messages sent or published.");

    internal static Counter<long> Handled { get; } = Meter.CreateCounter<long>("switchboard.messages.handled", "{message}", "Messages handled successfully.");

    internal static Counter<long> Failed { get; } = Meter.CreateCounter<long>("switchboard.messages.failed", "{attempt}", "Handling attempts that threw.");

    internal static Counter<long> DeadLettered { get; } = Meter.CreateCounter<long>("switchboard.messages.dead_lettered", "{message}", "Messages moved to a dead-letter queue.");

    internal static Counter<long> InboxDuplicates { get; } = Meter.CreateCounter<long>("switchboard.inbox.duplicates", "{message}", "Redelivered messages the inbox acknowledged without running the handlers.");

    internal static Counter<long> ConcurrencyConflicts { get; } = Meter.CreateCounter<long>("switchboard.concurrency.conflicts", "{attempt}", "Units of work that lost an optimistic-concurrency race and ran again.");

    internal static Counter<long> SagaLateMessages { get; } = Meter.CreateCounter<long>("switchboard.saga.late_messages", "{message}", "Messages for a saga that had already completed, ignored.");

    internal static Counter<long> SubscriptionErrors { get; } = Meter.CreateCounter<long>("switchboard.subscription.errors", "{attempt}", "Event subscription batches that failed and will be handled again.");

    internal static Histogram<double> ProcessDuration { get; } = Meter.CreateHistogram<double>("messaging.process.duration", "s", "Time to process one delivered message, settlement included.");
}
