using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Switchboard.Hosting;

namespace Switchboard.PostgreSql;

/// <summary>A store's database is reachable when one <c>SELECT 1</c> on the store's own connection pool answers.</summary>
internal sealed class PostgreSqlHealthCheck(NpgsqlDataSource dataSource, string store) : IHealthCheck
{
    /// <summary>The longest a check waits for the database.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Registers the check of a store, resolved from the container when a check runs.</summary>
    public static void Register(IServiceCollection services, string name, string store, Func<IServiceProvider, NpgsqlDataSource> dataSource) =>
        services.AddHealthChecks().Add(new HealthCheckRegistration(name, sp => new PostgreSqlHealthCheck(dataSource(sp), store), failureStatus: null, SwitchboardHealthChecks.Tags, Timeout));

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var command = dataSource.CreateCommand("SELECT 1");
            await using (command.ConfigureAwait(false))
            {
                await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
            }

            return HealthCheckResult.Healthy($"The {store}'s database answers.");
        }
        catch (NpgsqlException e)
        {
            // The reason only: a stack trace per probe would flood the log while the database is away.
            return new HealthCheckResult(context.Registration.FailureStatus, $"The {store}'s database cannot be reached: {DatabaseReachability.Reason(e)}");
        }
    }
}
