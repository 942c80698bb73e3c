using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Shop.Infrastructure;

/// <summary>Creates a service's own tables at start-up, before the bus consumes (registered inside the service's <c>Add…Service</c>).</summary>
public static class ShopTables
{
    /// <summary>Runs <paramref name="ddl"/> (idempotent <c>CREATE … IF NOT EXISTS</c>) on <paramref name="database"/> when the host starts.</summary>
    public static IServiceCollection AddShopTables(this IServiceCollection services, ShopDatabase database, string ddl) =>
        services.AddSingleton<IHostedService>(new Creator(database, ddl));

    private sealed class Creator(ShopDatabase database, string ddl) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => database.ExecuteAsync(ddl, cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
