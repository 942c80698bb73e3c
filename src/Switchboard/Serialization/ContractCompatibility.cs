using System.Text.Json.Nodes;

namespace Switchboard.Serialization;

/// <summary>
/// Compares a message's recorded JSON Schema with its current one and names every change that breaks a producer or a
/// consumer written against the recorded one (both sides share the type): a property removed (or renamed), retyped,
/// made required, made nullable or no longer nullable, an enum value removed. A new optional property and a new
/// enum value are not breaking. The way to break a contract is a new wire name (<c>….v2</c>) beside the old.
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
            var gained = nowTypes.Except(wasTypes).ToList();
            if (lost.SequenceEqual(["null"]) && gained.Count == 0)
            {
                changes.Add($"{path} may no longer be null");
            }
            else if (gained.SequenceEqual(["null"]) && lost.Count == 0)
            {
                changes.Add($"{path} may now be null, which consumers of the recorded contract refuse");
            }
            else if (lost.Count > 0)
            {
                changes.Add($"{path} changed type from {string.Join("|", wasTypes)} to {string.Join("|", nowTypes)}");
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
