using System.ComponentModel.DataAnnotations;
using Shop.Contracts;

namespace Shop.Order.Api.Validation;

/// <summary>A SKU of the catalog (an absent or blank one is <see cref="RequiredAttribute"/>'s to refuse).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class KnownSkuAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext) =>
        value is not string sku || string.IsNullOrWhiteSpace(sku) || Catalog.Find(sku) is not null
            ? ValidationResult.Success
            : new ValidationResult($"Unknown SKU '{(sku.Length <= 40 ? sku : sku[..40] + "…")}'.");
}
