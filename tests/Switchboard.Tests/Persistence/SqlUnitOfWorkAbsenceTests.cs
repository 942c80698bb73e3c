using Microsoft.Extensions.DependencyInjection;
using Switchboard.Configuration;
using Switchboard.InMemory;
using Switchboard.Persistence;
using Switchboard.Tests.Hosting;

namespace Switchboard.Tests.Persistence;

/// <summary>
/// A store without a database offers no SQL: <see cref="ISqlUnitOfWork"/> is not registered with the in-memory store,
/// so a handler that needs it is refused when the container is validated, instead of failing on each message.
/// </summary>
public sealed class SqlUnitOfWorkAbsenceTests
{
    [Fact]
    public void The_in_memory_store_registers_a_unit_of_work_without_sql()
    {
        using var services = Services(bus => bus.UseInMemory(new InMemoryNetwork()).UseInMemoryStore().Endpoint("ping", e => e.Transactional().Handle<Ping, PlainHandler>()))
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        using var scope = services.CreateScope();

        Assert.NotNull(scope.ServiceProvider.GetService<IUnitOfWork>());
        Assert.Null(scope.ServiceProvider.GetService<ISqlUnitOfWork>());
        Assert.Null(services.GetService<ISqlMessageStore>());
    }

    [Fact]
    public void A_handler_that_needs_sql_is_refused_at_validation_on_the_in_memory_store()
    {
        var collection = Services(bus => bus.UseInMemory(new InMemoryNetwork()).UseInMemoryStore().Endpoint("ping", e => e.Transactional().Handle<Ping, SqlHandler>()));

        var refused = Assert.Throws<AggregateException>(() => collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true }));
        Assert.Contains(nameof(ISqlUnitOfWork), refused.Message, StringComparison.Ordinal);
    }

    private static ServiceCollection Services(Action<SwitchboardBuilder> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSwitchboard(bus => configure(bus.Message<Ping>("tests.ping.v1")));
        return services;
    }

    private sealed class PlainHandler(IUnitOfWork unitOfWork) : IMessageHandler<Ping>
    {
        public async ValueTask HandleAsync(Ping message, IMessageContext context, CancellationToken cancellationToken) =>
            await unitOfWork.Transaction.EnlistAsync([], cancellationToken);
    }

    private sealed class SqlHandler(ISqlUnitOfWork unitOfWork) : IMessageHandler<Ping>
    {
        public ValueTask HandleAsync(Ping message, IMessageContext context, CancellationToken cancellationToken) =>
            unitOfWork.EnlistWriteAsync(new StoreWrite("UPDATE pings SET n = n + 1"), cancellationToken);
    }
}
