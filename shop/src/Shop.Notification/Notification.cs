namespace Shop.Notification;

/// <summary>One message to a customer.</summary>
/// <param name="Id">Its key: the event's message id and <paramref name="Kind"/>, so one event notifies once.</param>
/// <param name="Kind">What it is about, e.g. <c>order-created</c>.</param>
/// <param name="OrderId">The order it is about.</param>
/// <param name="CustomerId">The customer.</param>
/// <param name="Email">The customer's address.</param>
/// <param name="Subject">Its subject line.</param>
/// <param name="Body">Its text.</param>
/// <param name="CreatedAt">When it was written.</param>
public sealed record Notification(string Id, string Kind, Guid OrderId, string CustomerId, string Email, string Subject, string Body, DateTimeOffset CreatedAt);
