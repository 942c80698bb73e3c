using System.Text.Json.Nodes;

namespace Switchboard.Serialization;

/// <summary>
/// Compares a message's recorded JSON Schema with its current one and names every change that breaks a consumer
/// written against the recorded one: a property removed (or renamed), retyped, made required or no longer nullable,
/// an enum value removed. Additions — a new optional property, a new enum value, a property that may now be null
/// for a reader that never sends it — are not breaking. The way to break a contract is a new wire name
/// (<c>….v2</c>) beside the old.
/// </summary>
public static class ContractCompatibility
{
    /// <summary>The breaking changes from <paramref name="recorded"/> to <paramref name="current"/>, each naming its path (<c>$.lines[].sku</c>).</summary>
    public static IReadOnlyList<string> BreakingChanges(JsonNode recorded, JsonNode current)
    {
        var changes = new List<string>();
        Compare(recorded, current, "$", changes);
        return changes;
    }

    private static void Compare(JsonNode? recorded, JsonNode? current, string path, List<string> changes)
    {
        if (recorded is not JsonObject was || current is not JsonObject now)
        {
            return;
        }

        var wasTypes = Types(was);
        var nowTypes = Types(now);
        if (wasTypes.Count > 0 && nowTypes.Count > 0)
        {
            var lost = wasTypes.Except(nowTypes).Where(t => !(t == "integer" && nowTypes.Contains("number"))).ToList();
            if (lost.Count > 0)
            {
                changes.Add(lost.SequenceEqual(["null"])
                    ? $"{path} may no longer be null"
                    : $"{path} changed type from {string.Join("|", wasTypes)} to {string.Join("|", nowTypes)}");
            }
        }

        if (was["format"]?.GetValue<string>() is { } format && now["format"]?.GetValue<string>() != format)
        {
            changes.Add($"{path} changed format from {format} to {now["format"]?.GetValue<string>() ?? "none"}");
        }

        if (was["enum"] is JsonArray wasValues)
        {
            var nowValues = (now["enum"] as JsonArray)?.Select(v => v?.ToJsonString()).ToHashSet() ?? [];
            foreach (var value in wasValues.Select(v => v?.ToJsonString()).Where(v => !nowValues.Contains(v)))
            {
                changes.Add($"{path} no longer accepts {value}");
            }
        }

        if (was["properties"] is JsonObject wasProperties)
        {
            var nowProperties = now["properties"] as JsonObject;
            foreach (var (name, schema) in wasProperties)
            {
                var property = nowProperties?[name];
                if (property is null)
                {
                    changes.Add($"{path}.{name} was removed (or renamed)");
                    continue;
                }

                Compare(schema, property, $"{path}.{name}", changes);
            }

            var wasRequired = Names(was["required"]);
            foreach (var name in Names(now["required"]).Except(wasRequired).Where(n => wasProperties.ContainsKey(n)))
            {
                changes.Add($"{path}.{name} became required");
            }
        }

        foreach (var name in Names(now["required"]).Where(n => was["properties"] is JsonObject p && !p.ContainsKey(n)))
        {
            changes.Add($"{path}.{name} was added as required");
        }

        Compare(was["items"], now["items"], path + "[]", changes);
    }

    private static List<string> Types(JsonObject schema) => schema["type"] switch
    {
        JsonValue single => [single.GetValue<string>()],
        JsonArray many => many.Select(t => t!.GetValue<string>()).ToList(),
        _ => [],
    };

    private static IEnumerable<string> Names(JsonNode? required) =>
        required is JsonArray names ? names.Select(n => n!.GetValue<string>()) : [];
}
