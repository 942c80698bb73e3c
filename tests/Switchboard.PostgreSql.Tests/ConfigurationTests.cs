using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Switchboard.Configuration;
using Switchboard.InMemory;

namespace Switchboard.PostgreSql.Tests;

/// <summary><c>UsePostgreSqlStore(section)</c> and <c>UsePostgreSqlEventStore(section)</c>: settings from configuration, checked when the host starts.</summary>
public sealed class ConfigurationTests : SchemaScopedTest
{
    [Fact]
    public async Task Stores_configured_from_sections_keep_their_tables_in_the_configured_schema()
    {
        using var host = Build(new()
        {
            ["Switchboard:PostgreSql:ConnectionString"] = TestServer.ConnectionString,
            ["Switchboard:PostgreSql:Schema"] = Schema,
            ["Switchboard:EventStore:ConnectionString"] = TestServer.ConnectionString,
            ["Switchboard:EventStore:Schema"] = Schema,
            ["Switchboard:EventStore:ListenForAppends"] = "false",
        });

        await host.StartAsync();
        await host.StopAsync();

        await using var command = Admin.CreateCommand("select count(*) from information_schema.tables where table_schema = $1 and table_name in ('inbox', 'outbox', 'events')");
        command.Parameters.AddWithValue(Schema);
        Assert.Equal(3L, await command.ExecuteScalarAsync());
        Assert.False(host.Services.GetRequiredService<IOptions<PostgreSqlEventStoreOptions>>().Value.ListenForAppends);
    }

    [Theory]
    [InlineData("Switchboard:PostgreSql:ConnectionString", null, "Switchboard:PostgreSql:ConnectionString is required.")]
    [InlineData("Switchboard:EventStore:Schema", " ", "Switchboard:EventStore:Schema is required.")]
    [InlineData("Switchboard:EventStore:ListenForAppend", "false", "ListenForAppend")]
    public async Task Wrong_settings_fail_the_start_naming_the_key(string key, string? value, string expected)
    {
        var values = new Dictionary<string, string?>
        {
            ["Switchboard:PostgreSql:ConnectionString"] = TestServer.ConnectionString,
            ["Switchboard:PostgreSql:Schema"] = Schema,
            ["Switchboard:EventStore:ConnectionString"] = TestServer.ConnectionString,
            ["Switchboard:EventStore:Schema"] = Schema,
        };
        values[key] = value;
        using var host = Build(values);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    private static IHost Build(Dictionary<string, string?> values)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(values);
        builder.Services.AddSwitchboard(builder.Configuration.GetSection("Switchboard"), bus => bus
            .UseInMemory(new InMemoryNetwork())
            .UsePostgreSqlStore(builder.Configuration.GetSection("Switchboard:PostgreSql"))
            .UsePostgreSqlEventStore(builder.Configuration.GetSection("Switchboard:EventStore"))
            .EventSourcing(_ => { }));
        return builder.Build();
    }
}
