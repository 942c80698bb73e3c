namespace Shop.AppHost;

/// <summary>
/// How large each PostgreSQL pool of the Shop's processes may grow so that the whole Shop fits in the server's
/// connections. A process opens the pools of the service it runs (<see cref="PoolsOf"/>): every service two for the
/// message store (its own statements, and the transactions it lends handlers) and one for its own tables; Order two
/// more for the event store, Payment one more for the simulated gateway. With <c>N</c> pools in all and a budget of
/// <c>B</c> connections each pool gets <c>B / N</c>, at least <see cref="MinPoolSize"/> and at most
/// <see cref="MaxPoolSize"/>. The default budget, 80, leaves 20 of PostgreSQL's default <c>max_connections</c> (100)
/// to superusers, administrators and other clients.
/// </summary>
public static class ConnectionBudget
{
    /// <summary>The connections Shop may use by default.</summary>
    public const int DefaultBudget = 80;

    /// <summary>The least pool size: a unit of work and a read beside it.</summary>
    public const int MinPoolSize = 2;

    /// <summary>More connections than this per pool buy nothing on a small machine.</summary>
    public const int MaxPoolSize = 16;

    /// <summary>The PostgreSQL pools a process of <paramref name="service"/> opens.</summary>
    public static int PoolsOf(string service) => service switch
    {
        "order" => 5,
        "payment" => 4,
        _ => 3,
    };

    /// <summary>The pools of every process of <paramref name="layout"/>.</summary>
    public static int Pools(ShopLayout layout) => ShopLayout.Services.Sum(s => layout.Instances[s] * PoolsOf(s));

    /// <summary>The size of each pool of <paramref name="layout"/>'s processes within <paramref name="budget"/>.</summary>
    public static int PoolSize(ShopLayout layout, int budget) => Math.Clamp(budget / Pools(layout), MinPoolSize, MaxPoolSize);

    /// <summary>The most connections <paramref name="layout"/>'s processes can hold with pools of <paramref name="budget"/>'s size.</summary>
    public static int Ceiling(ShopLayout layout, int budget) => Pools(layout) * PoolSize(layout, budget);
}
