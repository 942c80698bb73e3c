using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Console;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Mounts Switchboard's web console in an ASP.NET Core application.</summary>
public static class SwitchboardConsoleEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the console's pages at <paramref name="prefix"/> and its JSON API under <c>{prefix}/api</c>, over the bus
    /// of this application (<c>AddSwitchboard</c>): endpoints, dead letters, the outbox, sagas, projections and message
    /// flows. Every request needs <see cref="SwitchboardConsoleOptions.AuthorizationPolicy"/>; without one, only
    /// requests from this machine are answered. The console is mounted once per application.
    /// </summary>
    /// <returns>The route group of the console, for more conventions (rate limits, host filters…).</returns>
    public static RouteGroupBuilder MapSwitchboardConsole(this IEndpointRouteBuilder endpoints, string prefix = "/switchboard", Action<SwitchboardConsoleOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        if (prefix is not ['/', ..] || prefix.EndsWith('/'))
        {
            throw new ArgumentException("The console's prefix starts with '/' and does not end with one, e.g. \"/switchboard\".", nameof(prefix));
        }

        var options = new SwitchboardConsoleOptions();
        configure?.Invoke(options);
        if (options.DeadLetterScanLimit < 1 || options.MaxFlowRecords < 1)
        {
            throw new ArgumentException("DeadLetterScanLimit and MaxFlowRecords are at least 1.", nameof(configure));
        }

        var services = endpoints.ServiceProvider;
        var rebuilds = new ConsoleRebuilds(services.GetRequiredService<IHostApplicationLifetime>(), services.GetRequiredService<ILogger<ConsoleRebuilds>>());
        var console = endpoints.MapGroup(prefix);
        console.AddEndpointFilter(new ConsoleAccess(loopbackOnly: options.AuthorizationPolicy is null));
        var otherLogs = options.AuditLogs.Select(l => (l.Name, new Lazy<Switchboard.Auditing.IAuditLog>(() => l.Create(services)))).ToList();
        console.WithMetadata(new ConsoleSetup(options, rebuilds, otherLogs));
        if (options.AuthorizationPolicy is { } policy)
        {
            console.RequireAuthorization(policy);
        }

        console.WithGroupName("switchboard-console").ExcludeFromDescription();
        ConsoleApi.Map(console.MapGroup("/api"));
        ConsolePages.Map(console, prefix);
        return console;
    }
}
