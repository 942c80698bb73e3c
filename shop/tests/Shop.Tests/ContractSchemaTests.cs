using Microsoft.Extensions.DependencyInjection;
using Switchboard.Configuration;

namespace Shop.Tests;

/// <summary>
/// The compatibility gate: every message Shop registers has its JSON Schema recorded in shop/contracts (one file per
/// wire name), and a change to a message type that would break a consumer of the recorded one fails here, naming the
/// field. Additions pass; SWITCHBOARD_RECORD_CONTRACTS=1 records new and additive schemas (never breaking ones).
/// </summary>
public sealed class ContractSchemaTests
{
    [Fact]
    public async Task Every_message_keeps_its_recorded_contract_or_only_adds_to_it()
    {
        var record = Environment.GetEnvironmentVariable("SWITCHBOARD_RECORD_CONTRACTS") == "1";
        var folder = Path.Combine(RepositoryRoot(), "shop", "contracts");
        // All six services in one (unstarted) process: its bus knows every message and every endpoint that consumes one.
        var data = Directory.CreateTempSubdirectory("shop-contracts-");
        await using var shop = ShopHost.Build(new ShopHostOptions { DataDirectory = data.FullName, Url = "http://127.0.0.1:0" });
        var problems = ContractGate.Problems(shop.Services.GetRequiredService<BusConfiguration>(), folder, record);

        data.Delete(recursive: true);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Switchboard.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"No Switchboard.slnx above {AppContext.BaseDirectory}.");
    }
}
