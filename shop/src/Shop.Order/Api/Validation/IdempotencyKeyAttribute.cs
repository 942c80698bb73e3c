using System.ComponentModel.DataAnnotations;

namespace Shop.Order.Api.Validation;

/// <summary>An optional <c>Idempotency-Key</c> header: absent, or 1 to 200 characters, not all whitespace.</summary>
[AttributeUsage(AttributeTargets.Parameter)]
internal sealed class IdempotencyKeyAttribute : ValidationAttribute
{
    public IdempotencyKeyAttribute()
        : base($"The Idempotency-Key header must have 1 to {OrderLimits.MaxIdempotencyKeyLength} characters.")
    {
    }

    public override bool IsValid(object? value) =>
        value is not string key || (!string.IsNullOrWhiteSpace(key) && key.Length <= OrderLimits.MaxIdempotencyKeyLength);
}
