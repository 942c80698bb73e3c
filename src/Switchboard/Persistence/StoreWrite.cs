namespace Switchboard.Persistence;

/// <summary>
/// A statement of a handler's own SQL, parameters bound by position to <c>@p0</c>, <c>@p1</c>, … (as
/// <see cref="PositionalCommand"/>), that the unit of work runs in its transaction no later than its commit
/// (<see cref="ISqlUnitOfWork.EnlistWriteAsync"/>). A store may hold it until the commit and run it there with the
/// inbox record, saga state and outgoing messages, so the handler gets no result back. Reads belong before it, on a
/// connection of their own, and <see cref="ExpectedRows"/> turns "somebody changed it since" into a rerun of the message.
/// </summary>
/// <param name="Sql">The statement: one INSERT, UPDATE or DELETE, without a RETURNING clause (a store may add its own to check <see cref="ExpectedRows"/> inside the statement, as PostgreSQL's does).</param>
/// <param name="Parameters">Its parameters: <c>Parameters[i]</c> is <c>@pi</c>; null binds as SQL NULL.</param>
public sealed record StoreWrite(string Sql, params object?[] Parameters)
{
    /// <summary>The statement.</summary>
    public string Sql { get; init; } = Sql ?? throw new ArgumentNullException(nameof(Sql));

    /// <summary>
    /// The parameters, copied: a store that runs the statement at the commit must bind the values of the moment it
    /// was enlisted, even when the caller reuses its array.
    /// </summary>
    public object?[] Parameters { get; init; } = [.. Parameters ?? throw new ArgumentNullException(nameof(Parameters))];

    /// <summary>
    /// When set, the number of rows the statement must change. Any other count fails the whole unit of work with
    /// <see cref="ConcurrencyConflictException"/>, at the commit or already at the call (a store that runs the
    /// statement at once): nothing of it is kept, even if the handler catches the exception, and a transactional
    /// endpoint handles the message again, so the handler reads the current state and decides anew.
    /// </summary>
    public int? ExpectedRows { get; init; }

    /// <summary>Runs <paramref name="write"/> now on <paramref name="transaction"/> (for stores that do not hold writes until the commit).</summary>
    /// <exception cref="ConcurrencyConflictException">The statement changed another number of rows than <see cref="ExpectedRows"/>.</exception>
    public static async ValueTask RunAsync(System.Data.Common.DbTransaction transaction, StoreWrite write, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentNullException.ThrowIfNull(write);
        await using var command = PositionalCommand.Create(transaction.Connection!, transaction, write.Sql, write.Parameters);
        write.Check(await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false));
    }

    /// <summary>Throws <see cref="ConcurrencyConflictException"/> when <paramref name="rows"/> is not <see cref="ExpectedRows"/>.</summary>
    public void Check(int rows)
    {
        if (ExpectedRows is { } expected && rows != expected)
        {
            throw new ConcurrencyConflictException($"A unit of work's write changed {rows} row(s), not the {expected} it expected: {Sql}");
        }
    }
}
