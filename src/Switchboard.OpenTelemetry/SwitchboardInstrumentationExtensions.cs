using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Switchboard.Diagnostics;

namespace Switchboard.OpenTelemetry;

/// <summary>
/// Turns on Switchboard's telemetry in an OpenTelemetry pipeline. Switchboard writes to one <c>ActivitySource</c> and one
/// <c>Meter</c>, both named <see cref="SwitchboardDiagnostics.Name"/>, and records nothing while no one listens; these
/// methods are how an application listens, whatever exporter it uses:
/// <code>
/// builder.Services.AddOpenTelemetry()
///     .WithTracing(t => t.AddSwitchboardInstrumentation().AddAspNetCoreInstrumentation())
///     .WithMetrics(m => m.AddSwitchboardInstrumentation())
///     .UseOtlpExporter();
/// </code>
/// </summary>
public static class SwitchboardInstrumentationExtensions
{
    /// <summary>
    /// Records Switchboard's spans: <c>send</c>/<c>publish</c> (producer) where a message leaves, <c>process</c>
    /// (consumer) where an endpoint handles it, child of the sender's span through the <c>traceparent</c> the message
    /// carries, and <c>forward</c> where a subscription publishes a stored event. So one business transaction (an order)
    /// is one trace across every service, through the outbox and the event store.
    /// </summary>
    public static TracerProviderBuilder AddSwitchboardInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(SwitchboardDiagnostics.Name);
    }

    /// <summary>Records Switchboard's metrics (see docs/observability.md for the instruments and their tags).</summary>
    public static MeterProviderBuilder AddSwitchboardInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(SwitchboardDiagnostics.Name);
    }
}
