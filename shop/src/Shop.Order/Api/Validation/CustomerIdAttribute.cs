using System.ComponentModel.DataAnnotations;
using Shop.Http;

namespace Shop.Order.Api.Validation;

/// <summary>An optional customer id in a body: absent, or (without surrounding whitespace) following <see cref="CustomerIds.Rule"/>.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
internal sealed class CustomerIdAttribute : ValidationAttribute
{
    public CustomerIdAttribute()
        : base(CustomerIds.Rule)
    {
    }

    public override bool IsValid(object? value) => value is not string id || CustomerIds.IsValid(id.Trim());
}
