using System.Text.Json;
using Shop.Contracts;

namespace Shop.Inventory;

/// <summary>One SKU of a reservation: the order's lines with one entry per SKU, as kept in <c>inventory_reservations.lines</c>.</summary>
internal sealed record ReservedLine(string Sku, int Quantity)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// The order's lines merged per SKU and sorted by it (competing reservations take row locks in one order), or null
    /// when they cannot be reserved: none, a line without a SKU, a quantity below 1, a total past <see cref="int.MaxValue"/>.
    /// </summary>
    public static IReadOnlyList<ReservedLine>? FromOrder(IReadOnlyList<OrderLine>? lines)
    {
        if (lines is null || lines.Count == 0)
        {
            return null;
        }

        var quantities = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (line is null || string.IsNullOrWhiteSpace(line.Sku) || line.Quantity < 1)
            {
                return null;
            }

            quantities[line.Sku] = quantities.GetValueOrDefault(line.Sku) + line.Quantity;
            if (quantities[line.Sku] > int.MaxValue)
            {
                return null;
            }
        }

        return quantities.Select(q => new ReservedLine(q.Key, (int)q.Value)).ToList();
    }

    public static string ToJson(IReadOnlyList<ReservedLine> lines) => JsonSerializer.Serialize(lines, Json);

    public static IReadOnlyList<ReservedLine> FromJson(string json) => JsonSerializer.Deserialize<List<ReservedLine>>(json, Json) ?? [];
}
