namespace Shop;

/// <summary>The transport a shop process runs on.</summary>
public enum ShopTransport
{
    /// <summary>The embedded default: queues in the SQLite file.</summary>
    Sqlite,

    /// <summary>RabbitMQ.</summary>
    RabbitMq,
}
