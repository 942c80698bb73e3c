namespace Shop;

/// <summary>Where a shop process keeps sagas, outbox, inbox, event streams and the services' tables.</summary>
public enum ShopStore
{
    /// <summary>The embedded default: the SQLite file.</summary>
    Sqlite,

    /// <summary>PostgreSQL.</summary>
    Postgres,
}
