using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Shop.Contracts;
using Shop.Http;
using Shop.Order.Domain;
using Shop.Order.Projections;
using Switchboard;
using Switchboard.Consistency;
using Switchboard.EventSourcing;

namespace Shop.Order.Api;

/// <summary>The REST API's handlers.</summary>
internal static class OrderEndpoints
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>
    /// <c>POST /orders</c>. The framework has bound <paramref name="request"/> (415 unless JSON, 400 for malformed JSON,
    /// 413 past the size limit) and validated it and <paramref name="idempotencyKey"/> (400 naming each bad field), so
    /// every required part is here and well formed.
    /// </summary>
    public static async Task<IResult> PlaceAsync(HttpContext http, PlaceOrderRequest request, string? idempotencyKey)
    {
        var services = http.RequestServices;
        var options = services.GetRequiredService<OrderOptions>();
        var cancellationToken = http.RequestAborted;
        if (!http.User.TryGetCustomerId(out var customerId, out var forbidden))
        {
            return forbidden!;
        }

        if (request.CustomerId is { } named && !string.Equals(named.Trim(), customerId, StringComparison.Ordinal))
        {
            return ShopProblems.Forbidden("An order is placed in the name of the token's subject; the body's customerId names another customer.");
        }

        // The key is the customer's: the same key from another customer names another order, so nobody learns of, or
        // gets, an order under someone else's key.
        var time = services.GetRequiredService<TimeProvider>();
        var orderId = idempotencyKey is null
            ? OrderIds.New()
            : await services.GetRequiredService<OrderKeys>().OrderIdAsync(customerId, idempotencyKey, cancellationToken).ConfigureAwait(false);
        var lines = request.Lines!.Select(l => new OrderLine(l!.Sku!, l.Quantity!.Value, Catalog.Find(l.Sku!)!.Price)).ToList();
        var address = request.ShippingAddress!;
        var now = time.GetUtcNow();
        var command = new PlaceOrder(
            orderId,
            customerId,
            request.Email!.Trim(),
            lines,
            request.PaymentToken!,
            new ShippingAddress(address.Name!.Trim(), address.Line1!.Trim(), string.IsNullOrWhiteSpace(address.Line2) ? null : address.Line2.Trim(), address.City!.Trim(), address.PostalCode!.Trim(), address.Country!.Trim()),
            idempotencyKey,
            now,
            now + options.StuckOrderTimeout);

        var order = new OrderAggregate();
        order.Place(command);
        var types = services.GetRequiredService<EventTypeMap>();
        var metadata = new EventMetadata { CorrelationId = OrderSummaries.Key(orderId), TraceParent = Activity.Current?.Id };
        var stream = StreamNames.For("order", OrderSummaries.Key(orderId));
        ConsistencyToken token;
        string status = OrderStatus.Received;
        try
        {
            var events = order.Changes.Select(e => types.ToEventData(e, metadata: metadata)).ToList();
            var appended = await services.GetRequiredService<IEventStoreWriter>().AppendAsync(stream, ExpectedVersion.NoStream, events, cancellationToken).ConfigureAwait(false);
            token = Written(appended.Position, events.Select(e => (e.EventId, e.Type)));
        }
        catch (WrongExpectedVersionException)
        {
            // The same Idempotency-Key again (perhaps at the same moment): the order exists. A retry of the same request
            // gets it; a different request under the key is refused, since answering with the first order would tell the
            // client that what it sent now was accepted.
            var first = await services.GetRequiredService<IEventStoreReader>().ReadStreamAsync(stream, 1, ReadDirection.Forwards, 2, CancellationToken.None).ConfigureAwait(false);
            if (first.Count > 0
                && types.Deserialize(first[0]) is OrderPlaced { RequestFingerprint: { } stored }
                && !string.Equals(stored, OrderRequestFingerprint.Of(command), StringComparison.Ordinal))
            {
                return IdempotencyKeyReused(idempotencyKey!);
            }

            token = Written(first.Count == 0 ? 0 : first[^1].Position, first.Select(e => (e.EventId, e.Type)));
            await WaitForReadModelAsync(services, token, options, cancellationToken).ConfigureAwait(false);
            status = await services.GetRequiredService<OrderQueries>().StatusAsync(orderId, cancellationToken).ConfigureAwait(false) ?? OrderStatus.Received;
            return Accepted(http, orderId, status, token);
        }

        await WaitForReadModelAsync(services, token, options, cancellationToken).ConfigureAwait(false);
        return Accepted(http, orderId, status, token);
    }

    // What the placement wrote, for the reads that want to see it: the events' position (GET /orders/{id}) and the
    // OrderCreated event, which the forwarder publishes under its event id (the notifications' and analytics' reads).
    private static ConsistencyToken Written(long position, IEnumerable<(string EventId, string Type)> events) =>
        new(position, [.. events.Where(e => e.Type == OrderServiceExtensions.OrderCreatedEventType).Select(e => e.EventId)]);

    public static async Task<IResult> GetAsync(HttpContext http, string id)
    {
        if (!Guid.TryParse(id, out var orderId))
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such order");
        }

        // Another customer's order is as absent as a missing one: its existence is not the caller's to learn.
        var order = await http.RequestServices.GetRequiredService<OrderQueries>().FindAsync(orderId, http.RequestAborted).ConfigureAwait(false);
        return order is null || !http.User.MayRead(order.CustomerId) ? Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such order") : Results.Ok(order);
    }

    public static async Task<IResult> ListAsync(HttpContext http)
    {
        string customerId;
        if (http.Request.Query.TryGetValue("customerId", out var named))
        {
            customerId = named.ToString();
            if (named.Count != 1 || !CustomerIds.IsValid(customerId))
            {
                return ShopProblems.InvalidCustomerId("customerId");
            }

            if (!http.User.MayRead(customerId))
            {
                return ShopProblems.NotYourCustomerData();
            }
        }
        else if (!http.User.TryGetCustomerId(out customerId, out var forbidden))
        {
            return forbidden!;
        }

        var orders = await http.RequestServices.GetRequiredService<OrderQueries>().ListAsync(customerId, http.RequestAborted).ConfigureAwait(false);
        return Results.Ok(orders);
    }

    private static IResult IdempotencyKeyReused(string idempotencyKey) =>
        Results.Problem(
            statusCode: StatusCodes.Status422UnprocessableEntity,
            title: "Idempotency-Key reused with a different request",
            detail: $"The Idempotency-Key '{idempotencyKey}' was already used for a different order. Send the first request again to get its order, or use a new key for a new order.");

    private static IResult Accepted(HttpContext http, Guid orderId, string status, ConsistencyToken token)
    {
        http.Response.Headers[ConsistencyToken.HeaderName] = token.ToString();
        return Results.Accepted($"/orders/{OrderSummaries.Key(orderId)}", new { id = orderId, status });
    }

    // The answer waits (briefly) until Order's own read model has the order, so that a client that knows nothing of
    // tokens finds it with its next GET; a late read model does not fail the placement: the order shows up shortly.
    private static async Task WaitForReadModelAsync(IServiceProvider services, ConsistencyToken token, OrderOptions options, CancellationToken cancellationToken)
    {
        if (options.ReadYourWritesTimeout > TimeSpan.Zero)
        {
            await services.GetRequiredService<ReadYourWrites>().WaitForProjectionAsync<OrderSummaries>(token, options.ReadYourWritesTimeout, cancellationToken).ConfigureAwait(false);
        }
    }
}
