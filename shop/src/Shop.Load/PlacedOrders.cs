using System.Collections.Concurrent;
using System.Net;
using Shop.Http;

namespace Shop;

/// <summary>What the demo placed: the orders the API accepted (once per order, however often a key was repeated) and what it refused.</summary>
internal sealed class PlacedOrders
{
    private readonly ConcurrentDictionary<Guid, string> _accepted = new();
    private readonly ConcurrentDictionary<string, Guid> _byKey = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, string> _consistencyTokens = new();
    private int _requests;
    private int _repeats;
    private int _refused;

    public IReadOnlyCollection<Guid> Accepted => (IReadOnlyCollection<Guid>)_accepted.Keys;

    public IEnumerable<string> Customers => _accepted.Values.Distinct();

    public int Requests => _requests;

    /// <summary>Requests that repeated an idempotency key and got the same order back.</summary>
    public int Repeats => _repeats;

    public int Refused => _refused;

    /// <summary>The customer of an accepted order.</summary>
    public string CustomerOf(Guid order) => _accepted[order];

    /// <summary>The Consistency-Token the placement answered with (a read given it includes the order), or null.</summary>
    public string? ConsistencyTokenOf(Guid order) => _consistencyTokens.GetValueOrDefault(order);

    /// <summary>Keys that returned a different order the second time (must stay 0).</summary>
    public int KeyMismatches { get; private set; }

    public async Task PlaceAsync(HttpClient http, ShopTokens tokens, OrderRequest order, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        using var request = order.ToHttpRequest(tokens);
        using var response = await http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            Interlocked.Increment(ref _refused);
            return;
        }

        var id = Guid.Parse(response.Headers.Location!.OriginalString.Split('/')[^1]);
        var first = _byKey.GetOrAdd(order.IdempotencyKey, id);
        if (first != id)
        {
            KeyMismatches++;
        }

        if (response.Headers.TryGetValues(Switchboard.ConsistencyToken.HeaderName, out var token))
        {
            _consistencyTokens.TryAdd(id, token.First());
        }

        if (!_accepted.TryAdd(id, order.CustomerId))
        {
            Interlocked.Increment(ref _repeats);
        }
    }
}
