using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Shop.Http;

/// <summary>
/// What every problem the APIs answer says, wherever it comes from: an endpoint's own result, the framework's binding
/// and validation, the exception handler or the status code pages. A body the framework could not read says why (and
/// where, for JSON); an answer without a body of its own (401, 403, 404, 405, 413, 415) says what to do; validation
/// errors name each field as the client sent it.
/// </summary>
internal static class ShopProblemDetails
{
    public static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (context.Exception is BadHttpRequestException { InnerException: JsonException json })
        {
            problem.Title = "Malformed JSON";
            problem.Detail = "The body is not valid JSON of the expected shape" + (json.Path is { } path ? $" (at {path})." : ".");
            return;
        }

        if (context.Exception is BadHttpRequestException { StatusCode: StatusCodes.Status400BadRequest })
        {
            problem.Title = "Bad request";
            problem.Detail = "The request could not be read: a value the endpoint needs is missing (an empty body, or the JSON null) or not in the expected form.";
            return;
        }

        if (problem is HttpValidationProblemDetails validation)
        {
            validation.Errors = NamedAsSent(validation.Errors, context.HttpContext);
        }

        switch (problem.Status)
        {
            case StatusCodes.Status401Unauthorized:
                problem.Detail ??= "A valid bearer token is required (Authorization: Bearer <token>); see docs/security.md.";
                break;
            case StatusCodes.Status403Forbidden:
                problem.Detail ??= "The token does not allow this request: it needs the operator role.";
                break;
            case StatusCodes.Status404NotFound:
                problem.Detail ??= "There is nothing at this address.";
                break;
            case StatusCodes.Status405MethodNotAllowed:
                problem.Detail ??= "This address does not take this method; the Allow header lists those it takes.";
                break;
            case StatusCodes.Status413PayloadTooLarge:
                problem.Title = "Request body too large";
                problem.Detail ??= context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<IRequestSizeLimitMetadata>()?.MaxRequestBodySize is { } limit
                    ? $"The body may have at most {limit} bytes."
                    : "The body is larger than this address accepts.";
                break;
            case StatusCodes.Status415UnsupportedMediaType:
                problem.Title = "Unsupported media type";
                problem.Detail ??= "The body must be JSON: send Content-Type: application/json.";
                break;
        }
    }

    // The framework's validation names a field by its C# path (Lines[0].Quantity) and a bound header or query value by
    // its parameter (idempotencyKey). A client knows them by what it sent: the body's JSON names (lines[0].quantity, by
    // the naming policy the body was read with) and the header's or query's own name (Idempotency-Key). Keys that are
    // already the client's (customerId, Idempotency-Key) stay as they are.
    private static Dictionary<string, string[]> NamedAsSent(IDictionary<string, string[]> errors, HttpContext http)
    {
        var policy = http.RequestServices.GetService<IOptions<JsonOptions>>()?.Value.SerializerOptions.PropertyNamingPolicy;
        var sources = SourceNames(http.GetEndpoint());
        var named = new Dictionary<string, string[]>(StringComparer.Ordinal);
        foreach (var (key, messages) in errors)
        {
            var name = sources.TryGetValue(key, out var source) ? source : JsonPath(key, policy);
            named[name] = named.TryGetValue(name, out var earlier) ? [.. earlier, .. messages] : messages;
        }

        return named;
    }

    private static Dictionary<string, string> SourceNames(Endpoint? endpoint)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var parameter in endpoint?.Metadata.GetMetadata<MethodInfo>()?.GetParameters() ?? [])
        {
            var source = parameter.GetCustomAttributes(inherit: true).Select(a => a switch
            {
                IFromHeaderMetadata header => header.Name,
                IFromQueryMetadata query => query.Name,
                IFromRouteMetadata route => route.Name,
                _ => null,
            }).FirstOrDefault(n => n is not null);
            if (parameter.Name is { } name && source is not null)
            {
                names[name] = source;
            }
        }

        return names;
    }

    // Lines[0].Quantity -> lines[0].quantity: each segment that is a C# member name goes through the naming policy.
    private static string JsonPath(string key, JsonNamingPolicy? policy)
    {
        if (policy is null)
        {
            return key;
        }

        return string.Join('.', key.Split('.').Select(segment =>
        {
            var end = segment.IndexOf('[', StringComparison.Ordinal);
            var member = end < 0 ? segment : segment[..end];
            return member.Length > 0 && char.IsUpper(member[0]) && member.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')
                ? policy.ConvertName(member) + segment[member.Length..]
                : segment;
        }));
    }
}
