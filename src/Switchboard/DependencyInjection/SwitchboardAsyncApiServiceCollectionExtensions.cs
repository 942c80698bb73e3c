using Switchboard.AsyncApi;
using Switchboard.Configuration;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the application's AsyncAPI document.</summary>
public static class SwitchboardAsyncApiServiceCollectionExtensions
{
    /// <summary>
    /// Registers an <see cref="AsyncApiDocumentProvider"/> that describes <paramref name="buses"/> (by default this
    /// application's own bus, from <c>AddSwitchboard</c>) with <paramref name="info"/>. A distributed system's document
    /// describes every service's bus; a service that can build the others' configurations without running them passes
    /// them all. <c>MapAsyncApi</c> (Switchboard.Console) serves it, and the console's API at <c>{prefix}/api/asyncapi</c>.
    /// </summary>
    public static IServiceCollection AddAsyncApi(this IServiceCollection services, AsyncApiInfo info, Func<IServiceProvider, IEnumerable<BusConfiguration>>? buses = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        buses ??= static sp => [sp.GetRequiredService<BusConfiguration>()];
        services.AddSingleton(sp => new AsyncApiDocumentProvider(info, () => buses(sp)));
        return services;
    }
}
