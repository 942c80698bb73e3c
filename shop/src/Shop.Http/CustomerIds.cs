using System.Text.RegularExpressions;

namespace Shop.Http;

/// <summary>
/// The one rule for customer ids, wherever one comes in (a token's subject, an order's body, a path or a query): 1 to
/// 64 characters, letters <c>A-Z a-z</c>, digits and <c>. _ @ | -</c>, the first a letter, a digit or <c>_</c>. So an id
/// is its own URL path segment (no <c>/</c>, <c>%</c>, <c>\</c>, no <c>.</c> or <c>..</c> segment, no control
/// character), never an option on a command line, and every accepted id reads back its own data.
/// </summary>
public static partial class CustomerIds
{
    /// <summary>The longest customer id.</summary>
    public const int MaxLength = 64;

    /// <summary>The rule in words, for error messages and help.</summary>
    public const string Rule = "A customer id has 1 to 64 characters: letters A-Z a-z, digits and . _ @ | -, the first a letter, a digit or _.";

    /// <summary>Whether <paramref name="customerId"/> follows the rule.</summary>
    public static bool IsValid(string? customerId) => customerId is not null && Pattern().IsMatch(customerId);

    // \z, not $: $ also matches before a final newline.
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9._@|-]{0,63}\z", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
