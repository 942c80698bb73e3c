using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Switchboard.Configuration;

namespace Switchboard.Sqlite.Tests;

/// <summary><c>UseSqlite(section)</c>: the transport's settings come from configuration and are checked when the host starts.</summary>
public sealed class ConfigurationTests : IDisposable
{
    private readonly string _path = TestDatabase.NewPath();

    [Fact]
    public async Task A_bus_configured_from_a_section_handles_messages_with_those_settings()
    {
        var handled = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var host = Build(new()
        {
            ["Switchboard:Sqlite:Path"] = _path,
            ["Switchboard:Sqlite:LeaseDuration"] = "00:01:00",
            ["Switchboard:Endpoints:configured:Concurrency"] = "2",
        }, handled);

        await host.StartAsync();
        await host.Services.GetRequiredService<IBus>().SendAsync(new Ping(7));

        Assert.Equal(7, await handled.Task.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(TimeSpan.FromMinutes(1), host.Services.GetRequiredService<IOptions<SqliteTransportOptions>>().Value.LeaseDuration);
        Assert.True(File.Exists(_path));
        await host.StopAsync();
    }

    [Theory]
    [InlineData(null, null, "Switchboard:Sqlite:Path is required.")]
    [InlineData("LeaseDuration", "00:00:00", "Switchboard:Sqlite:LeaseDuration must be longer than zero (was 00:00:00).")]
    [InlineData("LeaseDuraton", "00:00:10", "LeaseDuraton")]
    [InlineData("MaxBatch", "lots", "Switchboard:Sqlite:MaxBatch")]
    public async Task Wrong_settings_fail_the_start_naming_the_key(string? key, string? value, string expected)
    {
        var values = new Dictionary<string, string?> { ["Switchboard:Sqlite:Path"] = key is null ? null : _path };
        if (key is not null)
        {
            values["Switchboard:Sqlite:" + key] = value;
        }

        using var host = Build(values, new());

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_path));
    }

    public void Dispose() => TestDatabase.Delete(_path);

    private static IHost Build(Dictionary<string, string?> values, TaskCompletionSource<int> handled)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(values);
        builder.Services.AddSingleton(handled);
        builder.Services.AddSwitchboard(builder.Configuration.GetSection("Switchboard"), bus => bus
            .UseSqlite(builder.Configuration.GetSection("Switchboard:Sqlite"))
            .Message<Ping>("tests.configured.ping.v1")
            .Route<Ping>("configured")
            .Endpoint("configured", e => e.Handle<Ping, PingHandler>()));
        return builder.Build();
    }

    public sealed record Ping(int N);

    private sealed class PingHandler(TaskCompletionSource<int> handled) : IMessageHandler<Ping>
    {
        public ValueTask HandleAsync(Ping message, IMessageContext context, CancellationToken cancellationToken)
        {
            handled.TrySetResult(message.N);
            return ValueTask.CompletedTask;
        }
    }
}
