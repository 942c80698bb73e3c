using Microsoft.Data.Sqlite;
using Shop.Infrastructure;
using Shop.Payment;
using Switchboard.Sqlite;

namespace Shop.Tests;

/// <summary>
/// The gateway's memory in its own SQLite file, shared by every instance that uses the file (as Payment instances
/// share the remote gateway): one answer per idempotency key, whichever instance asks and however they interleave.
/// </summary>
public sealed class PersistentPaymentGatewayTests : IAsyncLifetime
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("shop-gateway-test-");
    private ShopDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = ShopDatabase.Sqlite(SqliteApplicationDataSource.Create(Path.Combine(_data.FullName, PersistentPaymentGateway.SqliteFileName)));
        await _database.ExecuteAsync("PRAGMA journal_mode = WAL;\n" + PersistentPaymentGateway.TablesSql);
    }

    public Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _data.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_key_charged_again_by_another_instance_gets_the_first_answer()
    {
        var first = await Gateway().ChargeAsync("order-1", "tok_visa", 10m, "EUR");
        var again = await Gateway().ChargeAsync("order-1", "tok_visa", 10m, "EUR");

        Assert.NotNull(first.ChargeId);
        Assert.Equal(first, again);
        Assert.Equal(first, await Gateway().FindChargeAsync("order-1"));
    }

    [Fact]
    public async Task Instances_charging_one_key_at_once_agree_on_one_charge()
    {
        // Each instance's simulated remote side decides on its own (a charge id of its own); the shared memory keeps
        // the first recorded. The latency makes the calls overlap, so that most lose the insert and read the winner.
        var charges = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Gateway(TimeSpan.FromMilliseconds(50)).ChargeAsync("order-2", "tok_visa", 10m, "EUR").AsTask()));

        Assert.Single(charges.Select(c => c.ChargeId).Distinct());
        Assert.Equal(charges[0], await Gateway().FindChargeAsync("order-2"));
        Assert.Equal((1L, 0L), await Gateway().CountsAsync());
    }

    [Fact]
    public async Task A_decline_is_remembered_as_the_answer_too()
    {
        var declined = await Gateway().ChargeAsync("order-3", "tok_chargeDeclined", 10m, "EUR");

        Assert.Null(declined.ChargeId);
        Assert.Equal(declined, await Gateway().ChargeAsync("order-3", "tok_visa", 10m, "EUR"));
    }

    private PersistentPaymentGateway Gateway(TimeSpan? latency = null) =>
        new(_database, new SimulatedPaymentGateway(new PaymentOptions { GatewayMinLatency = latency ?? TimeSpan.Zero, GatewayMaxLatency = latency ?? TimeSpan.Zero }, TimeProvider.System));
}
