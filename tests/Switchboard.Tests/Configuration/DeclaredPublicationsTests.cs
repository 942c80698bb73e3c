using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Configuration;

namespace Switchboard.Tests.Configuration;

public sealed record Declared(int Number);

public sealed record Undeclared(int Number);

/// <summary>What a bus declares it publishes is readable from its configuration, and with OnlyDeclaredPublications it is all it may publish.</summary>
public sealed class DeclaredPublicationsTests
{
    [Fact]
    public async Task Declared_publications_are_in_the_configuration()
    {
        using var host = await TestHost.StartAsync(bus => bus.Message<Declared>("tests.declared.v1").Message<Undeclared>("tests.undeclared.v1").Publishes<Declared>());

        Assert.Equal([typeof(Declared)], host.Services.GetRequiredService<BusConfiguration>().Publications);
        await host.Services.GetRequiredService<IBus>().PublishAsync(new Undeclared(1));
        await host.StopAsync();
    }

    [Fact]
    public async Task With_only_declared_publications_an_undeclared_one_throws()
    {
        using var host = await TestHost.StartAsync(bus => bus
            .Message<Declared>("tests.declared.v1")
            .Message<Undeclared>("tests.undeclared.v1")
            .Publishes<Declared>()
            .Configure(o => o with { OnlyDeclaredPublications = true }));
        var bus = host.Services.GetRequiredService<IBus>();

        await bus.PublishAsync(new Declared(1));
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => bus.PublishAsync(new Undeclared(2)).AsTask());
        Assert.Contains("Publishes<Undeclared>()", error.Message, StringComparison.Ordinal);
        await host.StopAsync();
    }

    [Fact]
    public void A_declared_publication_must_be_a_registered_message()
    {
        Assert.ThrowsAny<Exception>(() => new ServiceCollection().AddSwitchboard(bus => bus.UseInMemory(new InMemory.InMemoryNetwork()).Publishes<Declared>()));
    }
}
