using System.Security.Claims;
using Microsoft.AspNetCore.Http;

namespace Shop.Http;

/// <summary>Who is calling, as the APIs decide what a caller may read and do.</summary>
public static class Caller
{
    /// <summary>Whether the caller is an operator.</summary>
    public static bool IsOperator(this ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.IsInRole(ShopClaims.Operator);
    }

    /// <summary>
    /// The caller's customer id (its token's subject), or a 403 problem in <paramref name="problem"/> when the subject is
    /// missing or does not follow <see cref="CustomerIds.Rule"/> (an identity provider's subject that cannot be a Shop customer).
    /// </summary>
    public static bool TryGetCustomerId(this ClaimsPrincipal user, out string customerId, out IResult? problem)
    {
        ArgumentNullException.ThrowIfNull(user);
        var subject = user.FindFirst(ShopClaims.Subject)?.Value;
        if (CustomerIds.IsValid(subject))
        {
            customerId = subject!;
            problem = null;
            return true;
        }

        customerId = string.Empty;
        problem = ShopProblems.Forbidden("The token's subject cannot be a Shop customer. " + CustomerIds.Rule);
        return false;
    }

    /// <summary>Whether the caller may read <paramref name="customerId"/>'s data: it is that customer, or an operator.</summary>
    public static bool MayRead(this ClaimsPrincipal user, string customerId)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.IsOperator() || string.Equals(user.FindFirst(ShopClaims.Subject)?.Value, customerId, StringComparison.Ordinal);
    }
}
