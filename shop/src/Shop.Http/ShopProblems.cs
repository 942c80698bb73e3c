using Microsoft.AspNetCore.Http;

namespace Shop.Http;

/// <summary>The problem responses the APIs share.</summary>
public static class ShopProblems
{
    /// <summary>400 naming <paramref name="field"/> and the customer id rule.</summary>
    public static IResult InvalidCustomerId(string field) =>
        Results.ValidationProblem(new Dictionary<string, string[]> { [field] = [CustomerIds.Rule] }, title: "Invalid customer id");

    /// <summary>403 with <paramref name="detail"/>.</summary>
    public static IResult Forbidden(string detail) =>
        Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: detail);

    /// <summary>403: the caller asked for another customer's data.</summary>
    public static IResult NotYourCustomerData() =>
        Forbidden("A customer reads only their own data; operators read everyone's.");
}
