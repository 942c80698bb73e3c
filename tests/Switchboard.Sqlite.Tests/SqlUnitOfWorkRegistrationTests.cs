using Microsoft.Extensions.DependencyInjection;
using Switchboard.Configuration;
using Switchboard.Persistence;

namespace Switchboard.Sqlite.Tests;

/// <summary>
/// The SQLite store is a store with a database: it registers <see cref="ISqlUnitOfWork"/> for handlers' own SQL, and
/// a store set after it without a database takes that away again.
/// </summary>
public sealed class SqlUnitOfWorkRegistrationTests
{
    [Fact]
    public async Task The_sqlite_store_offers_the_sql_unit_of_work()
    {
        var path = TestDatabase.NewPath();
        try
        {
            await using var services = Services(bus => bus.UseSqlite(path).UseSqliteStore());
            using var scope = services.CreateScope();

            var unitOfWork = scope.ServiceProvider.GetRequiredService<ISqlUnitOfWork>();
            Assert.Same(services.GetRequiredService<IMessageStore>(), services.GetRequiredService<ISqlMessageStore>());
            Assert.NotNull(scope.ServiceProvider.GetRequiredService<IUnitOfWork>());
            Assert.Throws<InvalidOperationException>(() => unitOfWork.Transaction);
        }
        finally
        {
            TestDatabase.Delete(path);
        }
    }

    [Fact]
    public async Task A_store_without_a_database_set_later_takes_the_sql_unit_of_work_away()
    {
        var path = TestDatabase.NewPath();
        try
        {
            await using var services = Services(bus => bus.UseSqlite(path).UseSqliteStore().UseInMemoryStore());
            using var scope = services.CreateScope();

            Assert.Null(scope.ServiceProvider.GetService<ISqlUnitOfWork>());
            Assert.Null(services.GetService<ISqlMessageStore>());
        }
        finally
        {
            TestDatabase.Delete(path);
        }
    }

    private static ServiceProvider Services(Action<SwitchboardBuilder> configure)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSwitchboard(configure);
        return services.BuildServiceProvider();
    }
}
