using Switchboard.Persistence;

namespace Switchboard.Auditing;

/// <summary>
/// A message store that also keeps the audit log, in the same database (every built-in store does). The audit step
/// (<see cref="Configuration.SwitchboardBuilder.UseAudit"/>) writes through the bus's store only when it is one.
/// </summary>
public interface IAuditLogStore : IMessageStore
{
    /// <summary>The store's audit log; usable once the store is initialized.</summary>
    IAuditLog AuditLog { get; }
}
