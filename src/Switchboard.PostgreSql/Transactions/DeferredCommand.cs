using Npgsql;

namespace Switchboard.PostgreSql;

/// <summary>
/// A write a deferred unit of work held, as a batch command, with what it means when it wrote the wrong number of rows.
/// </summary>
/// <param name="Command">The statement and its parameters.</param>
/// <param name="Conflict">What a wrong row count means (the message of the <see cref="Persistence.ConcurrencyConflictException"/>); null when any count is right.</param>
/// <param name="ExpectedRows">The rows it must change; null when any number but 0 is right.</param>
internal readonly record struct DeferredCommand(NpgsqlBatchCommand Command, string? Conflict, int? ExpectedRows = null)
{
    /// <summary>True when <paramref name="rows"/> (what the plain statement changed) is a conflict.</summary>
    public bool Failed(int rows) => Conflict is not null && (ExpectedRows is { } expected ? rows != expected : rows == 0);
}
