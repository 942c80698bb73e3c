using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Configuration;
using Switchboard.Serialization;

namespace Shop.Tests;

/// <summary>
/// The compatibility gate over one bus and a folder of recorded schemas (one file per wire name): what
/// <see cref="ContractSchemaTests"/> holds Shop to, and its own tests hold to the rules of docs/contracts.md.
/// </summary>
/// <remarks>
/// The names checked against their records are those the bus reads as a type of its own: its registered messages, and
/// the old names a typed upcaster reads as the old type. A name read only through a JSON upcaster (its type is gone
/// from the code) has nothing to check, but is still read: its record stays, and is no orphan.
/// </remarks>
internal static class ContractGate
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>What breaks the rules, one line each; with <paramref name="record"/>, new and additive schemas are written first.</summary>
    public static IReadOnlyList<string> Problems(BusConfiguration bus, string folder, bool record)
    {
        var serializer = bus.Serializer as JsonMessageSerializer
            ?? throw new InvalidOperationException($"The gate reads schemas from the JsonMessageSerializer; this bus has {bus.Serializer.GetType().Name}.");
        var typed = bus.Registry.Names
            .Select(name => (Name: name, Type: bus.Registry.TryGetType(name, out var type) ? type : null))
            .Concat(bus.Registry.Upcasts.Select(u => (Name: u.Key, Type: u.Value)))
            .Where(t => t.Type is not null)
            .DistinctBy(t => t.Name, StringComparer.Ordinal)
            .OrderBy(t => t.Name, StringComparer.Ordinal);

        var problems = new List<string>();
        foreach (var (name, type) in typed)
        {
            var current = serializer.SchemaOf(type!);
            var file = Path.Combine(folder, name + ".json");
            if (!File.Exists(file))
            {
                if (record)
                {
                    Write(file, current);
                }
                else
                {
                    problems.Add($"{name} has no recorded contract: run this test with SWITCHBOARD_RECORD_CONTRACTS=1 to record it in {folder}.");
                }

                continue;
            }

            var recorded = JsonNode.Parse(File.ReadAllText(file))!;
            var breaking = ContractCompatibility.BreakingChanges(recorded, current);
            var consumers = string.Join(", ", bus.Endpoints.Where(e => e.Handlers.ContainsKey(type!) || e.Topics.Contains(name)).Select(e => e.Queue).Order(StringComparer.Ordinal));
            problems.AddRange(breaking.Select(change =>
                $"{name} ({type!.Name}): {change}; it breaks {(consumers.Length == 0 ? "consumers outside this system" : "the endpoints " + consumers)}. A breaking change needs a new wire name (….v2) beside this one."));
            if (breaking.Count == 0 && record && !JsonNode.DeepEquals(recorded, current))
            {
                Write(file, current);
            }
        }

        foreach (var orphan in Directory.Exists(folder) ? Directory.GetFiles(folder, "*.json") : [])
        {
            var name = Path.GetFileNameWithoutExtension(orphan);
            if (!bus.Registry.CanRead(name))
            {
                problems.Add($"{name} is recorded but no longer registered or upcast: its consumers would receive nothing; keep it registered until none is left, then delete its record.");
            }
        }

        return problems;
    }

    private static void Write(string file, JsonNode schema)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, schema.ToJsonString(Indented) + "\n");
    }
}
