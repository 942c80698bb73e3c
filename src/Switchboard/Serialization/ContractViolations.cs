using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Switchboard.Serialization;

/// <summary>
/// Where a JSON body breaks the contract of its type: required members (required properties, constructor
/// parameters without a default) that are missing, and nulls where the type's nullable annotations allow none,
/// each named by its JSON path (<c>customerId</c>, <c>lines[0].sku</c>). System.Text.Json stops at the first such
/// error and names constructor parameters by their C# names; this walk finds them all, by the names on the wire.
/// It only runs once a body has failed to deserialize, so it costs nothing on the happy path.
/// </summary>
internal sealed class ContractViolations
{
    // A hostile body could break the contract a million times over; a reason lists a few and says there are more.
    private const int MaxListed = 20;
    private const int MaxSegment = 100;

    private readonly JsonSerializerOptions _options;
    private readonly StringComparison _names;
    private readonly List<string> _missing = [];
    private readonly List<string> _nulls = [];
    private bool _truncated;

    private ContractViolations(JsonSerializerOptions options)
    {
        _options = options;
        _names = options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
    }

    /// <summary>
    /// Describes the violations of <paramref name="body"/> against <paramref name="type"/>'s contract
    /// (<c>missing required properties: a, b; 'c' must not be null</c>), or null when it finds none (the body
    /// failed for another reason: malformed, a value of the wrong kind).
    /// </summary>
    public static string? Describe(ReadOnlySpan<byte> body, Type type, JsonSerializerOptions options)
    {
        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions
            {
                MaxDepth = options.MaxDepth,
                AllowTrailingCommas = options.AllowTrailingCommas,
                CommentHandling = options.ReadCommentHandling == JsonCommentHandling.Disallow ? JsonCommentHandling.Disallow : JsonCommentHandling.Skip,
            });
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            return null;
        }

        using (document)
        {
            var violations = new ContractViolations(options);
            violations.Walk(document.RootElement, options.GetTypeInfo(type), "");
            return violations.Reason();
        }
    }

    private string? Reason()
    {
        if (_missing.Count == 0 && _nulls.Count == 0)
        {
            return null;
        }

        var parts = new List<string>(_nulls.Count + 2);
        if (_missing.Count > 0)
        {
            parts.Add("missing required properties: " + string.Join(", ", _missing));
        }

        parts.AddRange(_nulls.Select(path => $"'{path}' must not be null"));
        if (_truncated)
        {
            parts.Add("and more");
        }

        return string.Join("; ", parts);
    }

    private void Walk(JsonElement element, JsonTypeInfo info, string path)
    {
        if (_truncated)
        {
            return;
        }

        switch (info.Kind)
        {
            case JsonTypeInfoKind.Object when element.ValueKind == JsonValueKind.Object && info.PolymorphismOptions is null:
                WalkObject(element, info, path);
                break;
            case JsonTypeInfoKind.Enumerable when element.ValueKind == JsonValueKind.Array && info.ElementType is { } itemType:
                var items = _options.GetTypeInfo(itemType);
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, items, $"{path}[{index++}]");
                }

                break;
            case JsonTypeInfoKind.Dictionary when element.ValueKind == JsonValueKind.Object && info.ElementType is { } valueType:
                var values = _options.GetTypeInfo(valueType);
                foreach (var entry in element.EnumerateObject())
                {
                    Walk(entry.Value, values, Member(path, entry.Name));
                }

                break;
            case JsonTypeInfoKind.None when Nullable.GetUnderlyingType(info.Type) is { } underlying:
                Walk(element, _options.GetTypeInfo(underlying), path);
                break;
        }
    }

    private void WalkObject(JsonElement element, JsonTypeInfo info, string path)
    {
        foreach (var property in info.Properties)
        {
            // Only what deserialization writes: a setter, or a constructor parameter.
            if (property.Set is null && property.AssociatedParameter is null)
            {
                continue;
            }

            var memberPath = Member(path, property.Name);
            if (!TryGetMember(element, property.Name, out var value))
            {
                if (property.IsRequired)
                {
                    Add(_missing, memberPath);
                }
            }
            else if (value.ValueKind == JsonValueKind.Null)
            {
                if (!property.IsSetNullable)
                {
                    Add(_nulls, memberPath);
                }
            }
            else
            {
                Walk(value, _options.GetTypeInfo(property.PropertyType), memberPath);
            }
        }
    }

    // The last occurrence wins, as when deserializing.
    private bool TryGetMember(JsonElement element, string name, out JsonElement value)
    {
        var found = false;
        value = default;
        foreach (var member in element.EnumerateObject())
        {
            if (string.Equals(member.Name, name, _names))
            {
                value = member.Value;
                found = true;
            }
        }

        return found;
    }

    private void Add(List<string> list, string path)
    {
        if (_missing.Count + _nulls.Count >= MaxListed)
        {
            _truncated = true;
            return;
        }

        list.Add(path);
    }

    // Names from the wire (dictionary keys) are quoted, but never at any length.
    private static string Member(string path, string name)
    {
        var segment = name.Length <= MaxSegment ? name : name[..MaxSegment] + "…";
        return path.Length == 0 ? segment : $"{path}.{segment}";
    }
}
