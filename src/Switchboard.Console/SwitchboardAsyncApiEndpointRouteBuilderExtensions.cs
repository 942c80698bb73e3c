using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.AsyncApi;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Serves the application's AsyncAPI document in an ASP.NET Core application.</summary>
public static class SwitchboardAsyncApiEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Serves the AsyncAPI 3.0 document registered with <c>services.AddAsyncApi(…)</c> at <paramref name="pattern"/>
    /// (<c>GET</c>, <c>application/json</c>), generated once from the buses' registrations. It is left out of the
    /// application's OpenAPI description; what a request needs to read it is the application's choice (the returned
    /// builder takes <c>RequireAuthorization</c> or <c>AllowAnonymous</c>).
    /// </summary>
    /// <exception cref="InvalidOperationException">No document is registered.</exception>
    public static IEndpointConventionBuilder MapAsyncApi(this IEndpointRouteBuilder endpoints, string pattern = "/asyncapi.json")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var document = endpoints.ServiceProvider.GetService<AsyncApiDocumentProvider>()
            ?? throw new InvalidOperationException("No AsyncAPI document is registered: call services.AddAsyncApi(new AsyncApiInfo(title, version)) first.");
        return endpoints.MapGet(pattern, () => Results.Bytes(document.Utf8Json, "application/json")).ExcludeFromDescription();
    }
}
