using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Configuration;
using Switchboard.Serialization;

namespace Shop.Tests;

/// <summary>
/// The compatibility gate: every message Shop registers has its JSON Schema recorded in shop/contracts (one file per
/// wire name), and a change to a message type that would break a consumer of the recorded one fails here, naming the
/// field. Additions pass; SWITCHBOARD_RECORD_CONTRACTS=1 records new and additive schemas (never breaking ones).
/// </summary>
public sealed class ContractSchemaTests
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    [Fact]
    public async Task Every_message_keeps_its_recorded_contract_or_only_adds_to_it()
    {
        var record = Environment.GetEnvironmentVariable("SWITCHBOARD_RECORD_CONTRACTS") == "1";
        var folder = Path.Combine(RepositoryRoot(), "shop", "contracts");
        // All six services in one (unstarted) process: its bus knows every message and every endpoint that consumes one.
        var data = Directory.CreateTempSubdirectory("shop-contracts-");
        await using var shop = ShopHost.Build(new ShopHostOptions { DataDirectory = data.FullName, Url = "http://127.0.0.1:0" });
        var bus = shop.Services.GetRequiredService<BusConfiguration>();
        var serializer = Assert.IsType<JsonMessageSerializer>(bus.Serializer);

        var problems = new List<string>();
        foreach (var name in bus.Registry.Names.Order(StringComparer.Ordinal))
        {
            Assert.True(bus.Registry.TryGetType(name, out var type));
            var current = serializer.SchemaOf(type);
            var file = Path.Combine(folder, name + ".json");
            if (!File.Exists(file))
            {
                if (record)
                {
                    Write(file, current);
                }
                else
                {
                    problems.Add($"{name} has no recorded contract: run this test with SWITCHBOARD_RECORD_CONTRACTS=1 to record {Path.GetRelativePath(RepositoryRoot(), file)}.");
                }

                continue;
            }

            var recorded = JsonNode.Parse(File.ReadAllText(file))!;
            var breaking = ContractCompatibility.BreakingChanges(recorded, current);
            var consumers = string.Join(", ", bus.Endpoints.Where(e => e.Handlers.ContainsKey(type)).Select(e => e.Queue).Order(StringComparer.Ordinal));
            problems.AddRange(breaking.Select(change =>
                $"{name} ({type.Name}): {change}; it breaks {(consumers.Length == 0 ? "consumers outside this system" : "the endpoints " + consumers)}. A breaking change needs a new wire name (….v2) beside this one."));
            if (breaking.Count == 0 && record && !JsonNode.DeepEquals(recorded, current))
            {
                Write(file, current);
            }
        }

        foreach (var orphan in Directory.Exists(folder) ? Directory.GetFiles(folder, "*.json") : [])
        {
            var name = Path.GetFileNameWithoutExtension(orphan);
            if (!bus.Registry.TryGetType(name, out _))
            {
                problems.Add($"{name} is recorded but no longer registered: its consumers would receive nothing; keep it registered until none is left, then delete its record.");
            }
        }

        data.Delete(recursive: true);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    private static void Write(string file, JsonNode schema)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, schema.ToJsonString(Indented) + "\n");
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
