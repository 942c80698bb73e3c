using System.ComponentModel.DataAnnotations;
using System.Text.RegularExpressions;

namespace Shop.Order.Api.Validation;

/// <summary>
/// The payment gateway's token (<c>tok_</c> and letters, digits or <c>_</c>), and never card data: a value with a run
/// of 12 or more digits is refused as a card number, and the message never echoes it. An absent or blank token is
/// <see cref="RequiredAttribute"/>'s to refuse.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed partial class PaymentTokenAttribute : ValidationAttribute
{
    protected override ValidationResult? IsValid(object? value, ValidationContext validationContext)
    {
        if (value is not string token || string.IsNullOrWhiteSpace(token))
        {
            return ValidationResult.Success;
        }

        if (LooksLikeCardNumber(token))
        {
            // Never echo it back: the value is card data and must not be logged, stored or returned.
            return new ValidationResult("This looks like a card number. Card data must never be sent to Shop: tokenize the card with the payment gateway and send its token (tok_…).");
        }

        return TokenPattern().IsMatch(token)
            ? ValidationResult.Success
            : new ValidationResult("The payment token must be the payment gateway's token: 'tok_' followed by letters, digits or '_'.");
    }

    /// <summary>Whether <paramref name="value"/> contains a run of 12 or more digits (spaces and dashes between them allowed): a card number.</summary>
    public static bool LooksLikeCardNumber(string value) => CardNumberPattern().IsMatch(value);

    [GeneratedRegex(@"^tok_[A-Za-z0-9_]{1,100}$", RegexOptions.CultureInvariant)]
    private static partial Regex TokenPattern();

    [GeneratedRegex(@"(?:\d[ -]?){11,}\d", RegexOptions.CultureInvariant)]
    private static partial Regex CardNumberPattern();
}
