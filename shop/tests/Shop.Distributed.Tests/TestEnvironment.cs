namespace Shop.Distributed.Tests;

/// <summary>
/// What one test of a shop on RabbitMQ and PostgreSQL gets to itself: a fresh vhost, a fresh database, a temporary
/// directory, and the shop processes it starts. <see cref="DisposeAsync"/> stops the processes and removes the rest.
/// </summary>
internal sealed class TestEnvironment(string name)
{
    public string Id { get; } = Guid.NewGuid().ToString("N")[..12];

    public string Vhost => $"shop-{name}-{Id}";

    public string Database => $"shop_{name}_{Id}";

    public DirectoryInfo Directory { get; } = System.IO.Directory.CreateTempSubdirectory($"shop-{name}-");

    public List<ShopProcess> Processes { get; } = [];

    public async Task InitializeAsync()
    {
        await TestServers.CreateVhostAsync(Vhost);
        await TestServers.CreateDatabaseAsync(Database);
    }

    public async Task DisposeAsync()
    {
        foreach (var process in Processes)
        {
            await process.DisposeAsync();
        }

        await TestServers.DeleteVhostAsync(Vhost);
        await TestServers.DropDatabaseAsync(Database);
        Directory.Delete(recursive: true);
    }
}
