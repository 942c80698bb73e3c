using Switchboard.Persistence;

namespace Switchboard.Configuration;

/// <summary>
/// What makes bus, endpoint and store settings valid, as messages that name the key (<c>{path}:{Key} must …</c>), so
/// that a wrong value in <c>appsettings.json</c> is reported where it was written.
/// </summary>
internal static class OptionRules
{
    public static IEnumerable<string> Of(BusOptions o, string path)
    {
        var rules = new Rules(path);
        rules.AtLeast(nameof(o.MaxBodyBytes), o.MaxBodyBytes, 1);
        rules.AtLeast(nameof(o.MaxBodyDepth), o.MaxBodyDepth, 1);
        rules.NotNegative(nameof(o.ShutdownTimeout), o.ShutdownTimeout);
        rules.Positive(nameof(o.StartRetryDelay), o.StartRetryDelay);
        rules.NotBelow(nameof(o.MaxStartRetryDelay), o.MaxStartRetryDelay, nameof(o.StartRetryDelay), o.StartRetryDelay);
        Check(rules, nameof(o.WireFormat), o.WireFormat);
        if (o.CloudEventsSource is { } source && (source.Length == 0 || !Uri.TryCreate(source, UriKind.RelativeOrAbsolute, out _)))
        {
            rules.Add(nameof(o.CloudEventsSource), "must be a URI reference such as /shop/payment", source);
        }

        return rules.Problems;
    }

    public static IEnumerable<string> Of(EndpointOptions o, string path)
    {
        var rules = new Rules(path);
        rules.AtLeast(nameof(o.Concurrency), o.Concurrency, 1);
        rules.AtLeast(nameof(o.Prefetch), o.Prefetch, 1);
        rules.AtLeast(nameof(o.PendingSettlements), o.PendingSettlements, 0);
        if (o.WireFormat is { } format)
        {
            Check(rules, nameof(o.WireFormat), format);
        }

        var retry = new Rules(path.Length == 0 ? nameof(o.Retry) : $"{path}:{nameof(o.Retry)}");
        Check(o.Retry, retry);
        return rules.Problems.Concat(retry.Problems);
    }

    private static void Check(Rules rules, string key, WireFormat format)
    {
        if (!Enum.IsDefined(format))
        {
            rules.Add(key, "must be one of " + string.Join(", ", Enum.GetNames<WireFormat>()), format);
        }
    }

    private static void Check(RetryPolicy o, Rules rules)
    {
        rules.AtLeast(nameof(o.ImmediateRetries), o.ImmediateRetries, 0);
        rules.AtLeast(nameof(o.DelayedRetries), o.DelayedRetries, 0);
        rules.NotNegative(nameof(o.BaseDelay), o.BaseDelay);
        rules.NotBelow(nameof(o.MaxDelay), o.MaxDelay, nameof(o.BaseDelay), o.BaseDelay);
        if (o.Jitter is < 0 or > 1 || double.IsNaN(o.Jitter))
        {
            rules.Add(nameof(o.Jitter), "must be between 0 and 1", o.Jitter);
        }
    }

    public static IEnumerable<string> Of(StoreOptions o, string path)
    {
        var rules = new Rules(path);
        rules.Positive(nameof(o.RelayInterval), o.RelayInterval);
        rules.NotNegative(nameof(o.DispatchGrace), o.DispatchGrace);
        rules.AtLeast(nameof(o.RelayBatch), o.RelayBatch, 1);
        rules.AtLeast(nameof(o.MaxDispatchAttempts), o.MaxDispatchAttempts, 1);
        rules.Positive(nameof(o.FirstRetryDelay), o.FirstRetryDelay);
        rules.NotBelow(nameof(o.MaxRetryDelay), o.MaxRetryDelay, nameof(o.FirstRetryDelay), o.FirstRetryDelay);
        rules.Positive(nameof(o.InboxRetention), o.InboxRetention);
        rules.Positive(nameof(o.InboxPurgeInterval), o.InboxPurgeInterval);
        return rules.Problems;
    }
}
