using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.Contracts;
using Shop.Http;
using Shop.Infrastructure;
using Shop.Order.Api;
using Shop.Order.Api.Validation;
using Shop.Order.Domain;
using Shop.Order.Projections;
using Shop.Order.Saga;
using Switchboard.Configuration;
using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Hosting;

namespace Shop.Order;

/// <summary>Registers the Order Service on a bus, and maps its REST API.</summary>
public static class OrderServiceExtensions
{
    /// <summary>The Order Service's endpoint (queue).</summary>
    public const string EndpointName = "order";

    /// <summary>The name of the subscription that publishes the order streams' contract events to the bus.</summary>
    public const string ForwarderName = "order-forward-to-bus";

    /// <summary>The event-store type (and the bus's wire name) of <see cref="OrderCreated"/>.</summary>
    internal const string OrderCreatedEventType = "shop.order-created.v1";

    private static readonly string[] ContractEventNames =
    [
        OrderCreatedEventType,
        "shop.order-completed.v1",
        "shop.order-failed.v1",
        "shop.order-cancelled.v1",
    ];

    /// <summary>
    /// Adds the Order Service: event sourcing (the <see cref="OrderAggregate"/> in streams <c>order-{id}</c>, the
    /// <see cref="OrderSummaries"/> read model, and forwarding of the contract events <see cref="OrderCreated"/>,
    /// <see cref="OrderCompleted"/>, <see cref="OrderFailed"/> and <see cref="OrderCancelled"/> to the bus) and the
    /// <c>order</c> endpoint running the event-sourced <see cref="OrderLifeSaga"/>, whose state is the order aggregate,
    /// ordered by order id (docs/ordering.md; the keys of the contract messages come from <c>AddShopMessages</c>). The
    /// host selects the event store in the store's database (<c>UseSqliteEventStore()</c> with <c>UseSqliteStore()</c>,
    /// <c>UsePostgreSqlEventStore(...)</c> with <c>UsePostgreSqlStore(...)</c> on one database) next to the transport, registers
    /// Shop's messages, and maps the API with <see cref="MapOrderApi"/>. <paramref name="database"/> must be the
    /// database (and, on PostgreSQL, the schema) of the event store: the API reads the read model's views there.
    /// This calls <c>EventSourcing(...)</c>, which a bus allows once.
    /// </summary>
    public static SwitchboardBuilder AddOrderService(this SwitchboardBuilder bus, ShopDatabase database, OrderOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(database);
        options ??= new OrderOptions();
        bus.Services.TryAddSingleton(database);
        bus.Services.AddSingleton(options);
        bus.Services.TryAddSingleton(sp => new OrderQueries(sp.GetRequiredService<ShopDatabase>()));
        bus.Services.TryAddSingleton<OrderKeys>();

        // The API's request bodies are validated by the framework from their attributes (PlaceOrderRequest); this
        // call is where the validation source generator registers what it found in this assembly.
        bus.Services.AddValidation();

        return bus
            .Message<OrderStuckTimeout>("shop.order-stuck-timeout.v1")
            .Publishes<OrderCreated>()
            .Publishes<OrderCompleted>()
            .Publishes<OrderFailed>()
            .Publishes<OrderCancelled>()
            .Endpoint(EndpointName, e => e
                .Transactional()
                .Concurrency(options.Concurrency)
                // Ordered by order id: one message of an order at a time, in the order the transport accepted them, so two
                // of an order never race for its stream. The contract messages carry the key from ShopMessages (every
                // producer stamps it); the saga's own timeout gets it here, and joins its order's line when it is due.
                .OrderedBy<OrderStuckTimeout>(m => m.OrderId)
                .EventSourcedSaga<OrderLifeSaga, OrderAggregate>(s => s
                    .Handles<OrderCreated>(m => OrderLifeSaga.Key(m.OrderId))
                    .Handles<PaymentProcessed>(m => OrderLifeSaga.Key(m.OrderId))
                    .Handles<InventoryUpdated>(m => OrderLifeSaga.Key(m.OrderId))
                    .Handles<OrderShipped>(m => OrderLifeSaga.Key(m.OrderId))
                    .Handles<PaymentFailed>(m => OrderLifeSaga.Key(m.OrderId))
                    .Handles<InventoryUpdateFailed>(m => OrderLifeSaga.Key(m.OrderId))
                    .Handles<OrderStuckTimeout>(m => OrderLifeSaga.Key(m.OrderId))
                    .Handles<PaymentRefunded>(m => OrderLifeSaga.Key(m.OrderId))
                    .Handles<ShipmentCancelled>(m => OrderLifeSaga.Key(m.OrderId))))
            .EventSourcing(es => es
                .Event<OrderPlaced>("order-placed")
                .Event<OrderMarkedPaid>("order-marked-paid")
                .Event<OrderMarkedReserved>("order-marked-reserved")
                .Event<OrderMarkedShipped>("order-marked-shipped")
                .Event<OrderMarkedCompleted>("order-marked-completed")
                .Event<OrderMarkedFailed>("order-marked-failed")
                .Event<OrderMarkedCancelled>("order-marked-cancelled")
                .Event<OrderMarkedRefunded>("order-marked-refunded")
                .Event<OrderMarkedShipmentCancelled>("order-marked-shipment-cancelled")
                .Event<OrderKeyUsed>("order-key-used")
                .Event<OrderCreated>(ContractEventNames[0])
                .Event<OrderCompleted>(ContractEventNames[1])
                .Event<OrderFailed>(ContractEventNames[2])
                .Event<OrderCancelled>(ContractEventNames[3])
                // No snapshots: an order's stream holds about ten events, so a snapshot every 50 was never taken, and each
                // load looked for one in vain (a round trip per order-saga message in the distributed mode).
                .Aggregate<OrderAggregate>("order")
                .Projection<OrderSummaries>()
                .ForwardToBus(ForwarderName, new EventFilter { Categories = ["order"], EventTypes = ContractEventNames }));
    }

    /// <summary>
    /// Maps the Order Service's REST API, for callers with a bearer token (the host adds <c>AddShopHttp</c> and
    /// <c>UseShopHttp</c>): <c>POST /orders</c> places an order in the name of the token's subject (202 Accepted with
    /// <c>Location: /orders/{id}</c>; an optional <c>Idempotency-Key</c> header, scoped to the customer, makes retries
    /// return the same order; rate limited per customer), <c>GET /orders/{id}</c> (status and timeline; the order's
    /// customer or an operator, 404 for anyone else) and <c>GET /orders[?customerId=]</c> (one's own, or any customer's
    /// for an operator). Errors are <c>application/problem+json</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapOrderApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        // The framework binds and validates POST /orders' body and Idempotency-Key header before PlaceAsync runs. (A lambda,
        // not the method group: the validation source generator finds the request types among a lambda's parameters.)
        // The order's size limit is endpoint metadata, so the server refuses a larger body with 413 while reading it.
        var options = routes.ServiceProvider.GetService<OrderOptions>()
            ?? throw new InvalidOperationException("MapOrderApi needs the Order service: call AddOrderService(...) on the bus.");
        routes.MapPost("/orders", (HttpContext http, [FromBody] PlaceOrderRequest request, [FromHeader(Name = OrderEndpoints.IdempotencyKeyHeader), IdempotencyKey] string? idempotencyKey) =>
                OrderEndpoints.PlaceAsync(http, request, idempotencyKey))
            .RequireAuthorization(ShopPolicies.Customer)
            .RequireRateLimiting(ShopPolicies.PlaceOrder)
            .WithMetadata(new RequestSizeLimitAttribute(options.MaxRequestBodyBytes))
            .WithName("PlaceOrder")
            .WithTags("Orders")
            .WithSummary("Places an order in the name of the token's subject; an Idempotency-Key header makes retries return the same order.")
            .Produces(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
        routes.MapGet("/orders/{id}", OrderEndpoints.GetAsync)
            .RequireAuthorization(ShopPolicies.Customer)
            .WaitsForTokens((reads, token, timeout, ct) => reads.WaitForProjectionAsync<OrderSummaries>(token, timeout, ct), options.ReadYourWritesTimeout)
            .WithName("GetOrder")
            .WithTags("Orders")
            .WithSummary("An order's status and timeline: its customer's or, for an operator, any. With a Consistency-Token header, once it includes that write.")
            .Produces<OrderView>()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status404NotFound);
        routes.MapGet("/orders", (Func<HttpContext, Task<IResult>>)OrderEndpoints.ListAsync)
            .RequireAuthorization(ShopPolicies.Customer)
            .WaitsForTokens((reads, token, timeout, ct) => reads.WaitForProjectionAsync<OrderSummaries>(token, timeout, ct), options.ReadYourWritesTimeout)
            .WithName("ListOrders")
            .WithTags("Orders")
            .WithSummary("The caller's orders; an operator may name any customer with ?customerId=.")
            .Produces<IReadOnlyList<OrderListItem>>()
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }
}
