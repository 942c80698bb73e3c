using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.Contracts;
using Shop.Http;
using Shop.Infrastructure;
using Switchboard.Configuration;

namespace Shop.Notification;

/// <summary>Adds the Notification service to a bus, and its HTTP API to an application.</summary>
public static class NotificationServiceExtensions
{
    /// <summary>
    /// Declares the transactional <c>notification</c> endpoint, which notifies the customer once per
    /// <see cref="OrderCreated"/>, <see cref="PaymentProcessed"/>, <see cref="PaymentFailed"/>,
    /// <see cref="InventoryUpdateFailed"/>, <see cref="PaymentRefunded"/>, <see cref="OrderShipped"/>,
    /// <see cref="ShipmentCancelled"/> and <see cref="OrderCancelled"/>, through the
    /// registered <see cref="INotificationSender"/>, and creates the service's tables at start-up. The sender is, unless
    /// another was registered before this call: with <see cref="NotificationOptions.Smtp"/>, an email through
    /// <see cref="SmtpNotificationSender"/> and then the mailbox entry; otherwise the mailbox only
    /// (<see cref="MailboxNotificationSender"/>). Invalid SMTP options throw here, not at the first notification.
    /// </summary>
    public static SwitchboardBuilder AddNotificationService(this SwitchboardBuilder bus, ShopDatabase database, NotificationOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(database);
        options ??= new NotificationOptions();
        if (options.Smtp is { } smtp)
        {
            var email = new SmtpNotificationSender(smtp);
            bus.Services.TryAddScoped<INotificationSender>(sp => new RecordingNotificationSender(email, ActivatorUtilities.CreateInstance<MailboxNotificationSender>(sp)));
        }

        bus.Services.TryAddScoped<INotificationSender, MailboxNotificationSender>();
        return bus.AddShopEndpoint("notification", database, NotificationSchema.Sql, options, e => e
            .Handle<OrderCreated, NotificationHandlers>()
            .Handle<PaymentProcessed, NotificationHandlers>()
            .Handle<PaymentFailed, NotificationHandlers>()
            .Handle<InventoryUpdateFailed, NotificationHandlers>()
            .Handle<PaymentRefunded, NotificationHandlers>()
            .Handle<OrderShipped, NotificationHandlers>()
            .Handle<ShipmentCancelled, NotificationHandlers>()
            .Handle<OrderCancelled, NotificationHandlers>());
    }

    /// <summary>
    /// Maps <c>GET /customers/{id}/notifications</c> for the customer <c>id</c> or an operator (the host adds
    /// <c>AddShopHttp</c>; anyone else gets 403): the customer's notifications, oldest first (newest last), each with
    /// its kind, subject, body, time and order id. An id that does not follow <see cref="CustomerIds.Rule"/> is a 400.
    /// </summary>
    public static IEndpointRouteBuilder MapNotificationApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/customers/{id}/notifications", async (string id, HttpContext http, ShopDatabase database, CancellationToken cancellationToken) =>
        {
            if (!CustomerIds.IsValid(id))
            {
                return ShopProblems.InvalidCustomerId("id");
            }

            return http.User.MayRead(id)
                ? Results.Ok(await NotificationReader.ReadAsync(database, id, cancellationToken))
                : ShopProblems.NotYourCustomerData();
        }).RequireAuthorization(ShopPolicies.Customer)
            .WaitsForTokens((reads, token, timeout, ct) => reads.WaitForEndpointAsync("notification", token, timeout, ct), ShopReadYourWrites.DefaultTimeout)
            .WithName("ListNotifications")
            .WithTags("Notifications")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);
        return routes;
    }
}
