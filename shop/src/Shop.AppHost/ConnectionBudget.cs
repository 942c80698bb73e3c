namespace Shop.AppHost;

/// <summary>
/// How large each process's PostgreSQL pools may grow so that the whole Shop fits in the server's connections. A Shop
/// process opens at most <see cref="PoolsPerProcess"/> pools (two each for the message store and the event store, the
/// service's own tables, and Payment's gateway), so with <c>P</c> processes and a budget of <c>B</c> connections each
/// pool gets <c>B / (P × 6)</c>, at least <see cref="MinPoolSize"/> and at most <see cref="MaxPoolSize"/>. The default budget, 80,
/// leaves 20 of PostgreSQL's default <c>max_connections</c> (100) to superusers, administrators and other clients.
/// </summary>
public static class ConnectionBudget
{
    /// <summary>The connections Shop may use by default.</summary>
    public const int DefaultBudget = 80;

    /// <summary>The most pools one Shop process opens.</summary>
    public const int PoolsPerProcess = 6;

    /// <summary>The least pool size: a unit of work and a read beside it.</summary>
    public const int MinPoolSize = 2;

    /// <summary>More connections than this per pool buy nothing on a small machine.</summary>
    public const int MaxPoolSize = 16;

    /// <summary>The pool size of each process's pools.</summary>
    public static int PoolSize(int processes, int budget) => Math.Clamp(budget / (Math.Max(1, processes) * PoolsPerProcess), MinPoolSize, MaxPoolSize);
}
