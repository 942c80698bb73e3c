using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switchboard.Diagnostics;

internal static class LoggingServiceProviderExtensions
{
    // Logging is the application's choice; without it the bus logs nothing rather than failing.
    public static ILoggerFactory Loggers(this IServiceProvider services) =>
        services.GetService<ILoggerFactory>() ?? NullLoggerFactory.Instance;
}
