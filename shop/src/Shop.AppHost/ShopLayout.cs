namespace Shop.AppHost;

/// <summary>
/// How many processes each Shop service runs as, and where their APIs listen: service <c>k</c> (in <see cref="Services"/>
/// order) at <c>BasePort + 10 k</c> for its first instance, the next port for each further one.
/// </summary>
public sealed record ShopLayout(IReadOnlyDictionary<string, int> Instances, int BasePort)
{
    /// <summary>The most instances of one service: each service has ten ports.</summary>
    public const int MaxInstances = 10;

    /// <summary>Shop's services, in the order of their ports.</summary>
    public static IReadOnlyList<string> Services { get; } = ["order", "payment", "inventory", "shipping", "notification", "analytics"];

    /// <summary>Every process: its resource name (<c>payment-2</c>), its service and its API's port.</summary>
    public IEnumerable<ShopInstance> Processes() =>
        Services.SelectMany((service, k) => Enumerable.Range(1, Instances[service])
            .Select(i => new ShopInstance($"{service}-{i}", service, BasePort + (10 * k) + i - 1)));

    /// <summary>How many processes there are in all.</summary>
    public int ProcessCount => Services.Sum(s => Instances[s]);
}

/// <summary>One process of the distributed Shop.</summary>
public sealed record ShopInstance(string Name, string Service, int Port)
{
    /// <summary>The API's address.</summary>
    public Uri Url => new($"http://127.0.0.1:{Port}");
}
