using System.Collections;
using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.Order.Api.Validation;

/// <summary>At most <see cref="OrderOptions.MaxLines"/> lines (the Order Service's options, read from the request's services).</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class MaxOrderLinesAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        var maxLines = (validationContext.GetService<OrderOptions>() ?? new OrderOptions()).MaxLines;
        return value is ICollection lines && lines.Count > maxLines
            ? new ValidationResult($"An order has at most {maxLines} lines.")
            : ValidationResult.Success;
    }
}
