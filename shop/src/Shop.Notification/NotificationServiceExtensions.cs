using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard.Configuration;

namespace Shop.Notification;

/// <summary>Adds the Notification service to a bus, and its HTTP API to an application.</summary>
public static class NotificationServiceExtensions
{
    /// <summary>The longest customer id the API accepts.</summary>
    public const int MaxCustomerIdLength = 200;

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
    /// Maps <c>GET /customers/{id}/notifications</c>: the customer's notifications, oldest first (newest last), each
    /// with its kind, subject, body, time and order id. An empty or overlong id is a 400.
    /// </summary>
    public static IEndpointRouteBuilder MapNotificationApi(this IEndpointRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.MapGet("/customers/{id}/notifications", async (string id, ShopDatabase database, CancellationToken cancellationToken) =>
        {
            if (string.IsNullOrWhiteSpace(id) || id.Length > MaxCustomerIdLength)
            {
                return Results.ValidationProblem(new Dictionary<string, string[]>
                {
                    ["id"] = [$"A customer id is 1 to {MaxCustomerIdLength.ToString(CultureInfo.InvariantCulture)} characters long."],
                });
            }

            return Results.Ok(await NotificationReader.ReadAsync(database, id, cancellationToken));
        });
        return routes;
    }
}
