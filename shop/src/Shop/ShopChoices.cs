namespace Shop;

/// <summary>The names of the transports and stores on the command line and in <c>/health/details</c>.</summary>
internal static class ShopChoices
{
    public static readonly IReadOnlyDictionary<string, ShopTransport> Transports = new Dictionary<string, ShopTransport>(StringComparer.OrdinalIgnoreCase)
    {
        ["sqlite"] = ShopTransport.Sqlite,
        ["rabbitmq"] = ShopTransport.RabbitMq,
    };

    public static readonly IReadOnlyDictionary<string, ShopStore> Stores = new Dictionary<string, ShopStore>(StringComparer.OrdinalIgnoreCase)
    {
        ["sqlite"] = ShopStore.Sqlite,
        ["postgres"] = ShopStore.Postgres,
    };

    public static string Name(ShopTransport transport) => Transports.Single(t => t.Value == transport).Key;

    public static string Name(ShopStore store) => Stores.Single(s => s.Value == store).Key;
}
