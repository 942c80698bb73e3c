using System.ComponentModel.DataAnnotations;

namespace Shop.Order.Api.Validation;

/// <summary>No line is the JSON <c>null</c> (a line that is an object is validated field by field).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class NoEmptyLinesAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        var empty = (value as IReadOnlyList<PlaceOrderLine?> ?? []).Select((line, index) => (line, index)).Where(l => l.line is null).Select(l => $"lines[{l.index}]").ToList();
        return empty.Count == 0
            ? ValidationResult.Success
            : new ValidationResult($"A line is empty (null): {string.Join(", ", empty)}.");
    }
}
