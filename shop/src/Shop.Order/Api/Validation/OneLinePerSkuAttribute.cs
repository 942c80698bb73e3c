using System.ComponentModel.DataAnnotations;
using Shop.Contracts;

namespace Shop.Order.Api.Validation;

/// <summary>Each SKU of the catalog on one line only: the whole quantity of a SKU goes on one line (an unknown SKU is <see cref="KnownSkuAttribute"/>'s to refuse).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class OneLinePerSkuAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        var repeated = (value as IReadOnlyList<PlaceOrderLine?> ?? [])
            .Select((line, index) => (line?.Sku, index))
            .Where(l => l.Sku is not null && Catalog.Find(l.Sku) is not null)
            .GroupBy(l => l.Sku!, StringComparer.Ordinal)
            .Where(g => g.Count() > 1)
            .Select(g => $"SKU '{g.Key}' is on more than one line ({string.Join(", ", g.Select(l => $"lines[{l.index}]"))}); put the whole quantity on one line.")
            .ToList();
        return repeated.Count == 0 ? ValidationResult.Success : new ValidationResult(string.Join(" ", repeated));
    }
}
