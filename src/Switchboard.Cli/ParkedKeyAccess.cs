using System.Globalization;
using System.Text.Json;
using Switchboard.Transport;

namespace Switchboard.Cli;

/// <summary>Where <c>dlq parked</c> reads an ordered queue's parked keys: the transport itself, or a running application's console.</summary>
internal interface IParkedKeyAccess
{
    /// <summary>A page of the queue's parked keys, oldest dead letter first, or why the queue can have none.</summary>
    ValueTask<ParkedKeyPage> ListAsync(string queue, int skip, int take, CancellationToken cancellationToken);
}

/// <summary>Parked keys, how many in all when known, and, when there can be none at all, why.</summary>
internal sealed record ParkedKeyPage(IReadOnlyList<ParkedKey> Keys, long? Total, string? NoneBecause = null);

/// <summary>
/// A transport's parked keys. It knows nothing of the application's endpoints, so it answers for any queue; a transport
/// that keeps no order parks no key, which is an empty list rather than a failure, as the console answers for an
/// unordered endpoint.
/// </summary>
internal sealed class TransportParkedKeys(ITransport transport) : IParkedKeyAccess
{
    public async ValueTask<ParkedKeyPage> ListAsync(string queue, int skip, int take, CancellationToken cancellationToken) =>
        transport is IOrderedTransport ordered
            ? new ParkedKeyPage(await ordered.ListParkedKeysAsync(queue, skip, take, cancellationToken).ConfigureAwait(false), null)
            : new ParkedKeyPage([], 0, $"the {transport.Name} transport keeps no per-key order: it parks no keys");
}

/// <summary>A running application's parked keys, through its console (which lists up to 500 at a time).</summary>
internal sealed class ConsoleParkedKeys(ConsoleApiClient console) : IParkedKeyAccess
{
    public async ValueTask<ParkedKeyPage> ListAsync(string queue, int skip, int take, CancellationToken cancellationToken)
    {
        var page = await console.GetAsync(
            $"dead-letters/{ConsoleApiClient.Escape(queue)}/parked?skip={skip.ToString(CultureInfo.InvariantCulture)}&take={Math.Min(take, 500).ToString(CultureInfo.InvariantCulture)}",
            cancellationToken).ConfigureAwait(false);
        var keys = page.GetProperty("items").EnumerateArray()
            .Select(k => new ParkedKey(k.GetProperty("key").GetString()!, queue, k.GetProperty("deadLetterId").GetString()!, k.GetProperty("waiting").GetInt64()))
            .ToList();
        var total = page.GetProperty("total") is { ValueKind: JsonValueKind.Number } count ? count.GetInt64() : (long?)null;
        return page.GetProperty("ordered").GetBoolean()
            ? new ParkedKeyPage(keys, total)
            : new ParkedKeyPage(keys, total, $"'{queue}' is not an ordered endpoint: it parks no keys");
    }
}
