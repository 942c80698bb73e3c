namespace Switchboard.Conformance.EventStores;

/// <summary>The current shape of the upcasting suite's event, stored as <c>ticket-opened</c>.</summary>
/// <param name="TicketId">The ticket.</param>
/// <param name="Title">Its title.</param>
/// <param name="Priority">1 (highest) to 5; old shapes had none.</param>
public sealed record TicketOpened(string TicketId, string Title, int Priority);

/// <summary>An old shape, stored as <c>ticket-opened-v2</c>, upcast by type to <see cref="TicketOpened"/>.</summary>
/// <param name="TicketId">The ticket.</param>
/// <param name="Subject">What became <see cref="TicketOpened.Title"/>.</param>
/// <param name="Urgent">Urgent tickets become priority 1, the others 3.</param>
public sealed record TicketOpenedV2(string TicketId, string Subject, bool Urgent);

/// <summary>An event the upcasting suite stores but never maps (stored as <c>ticket-closed</c>).</summary>
/// <param name="TicketId">The ticket.</param>
public sealed record TicketClosed(string TicketId);
