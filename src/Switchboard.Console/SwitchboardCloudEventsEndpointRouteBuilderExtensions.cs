using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Switchboard;
using Switchboard.CloudEvents;
using Switchboard.Configuration;
using Switchboard.Messages;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Takes CloudEvents in over HTTP, in an ASP.NET Core application.</summary>
public static class SwitchboardCloudEventsEndpointRouteBuilderExtensions
{
    private const string HttpPrefix = "ce-";

    /// <summary>
    /// Accepts a CloudEvent at <c>POST</c> <paramref name="pattern"/> in either content mode of the HTTP protocol binding
    /// (binary: <c>ce-</c> headers and the data as the body; structured: an <c>application/cloudevents+json</c> body)
    /// and publishes it on the bus as the registered message its <c>type</c> names (<see cref="CloudEventsIntake"/>).
    /// Answers 202 with a <c>Consistency-Token</c> header naming the published message; 400 problem details with the
    /// reason for an invalid event, an unknown type, a body its type refuses or a type this service does not publish; 415
    /// for a request that is not a CloudEvent; 413 past the bus's body limit. Who may post is the application's choice
    /// (the returned builder takes <c>RequireAuthorization</c>).
    /// </summary>
    public static RouteHandlerBuilder MapCloudEvents(this IEndpointRouteBuilder endpoints, string pattern = "/cloudevents")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var limit = endpoints.ServiceProvider.GetRequiredService<BusConfiguration>().Options.MaxBodyBytes;
        return endpoints.MapPost(pattern, async (HttpContext http, CloudEventsIntake intake) =>
        {
            var request = http.Request;
            var contentType = request.ContentType ?? "";
            var structured = contentType.StartsWith("application/cloudevents", StringComparison.OrdinalIgnoreCase);
            var attributes = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (name, values) in request.Headers)
            {
                if (name.StartsWith(HttpPrefix, StringComparison.OrdinalIgnoreCase) && values.Count == 1)
                {
                    // The HTTP binding percent-encodes what a header cannot carry.
                    attributes[CloudEventsHeaders.Prefix + name[HttpPrefix.Length..].ToLowerInvariant()] = Uri.UnescapeDataString(values[0]!);
                }
            }

            if (!structured && !attributes.ContainsKey(CloudEventsHeaders.SpecVersion))
            {
                return Results.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Not a CloudEvent",
                    detail: "Send a CloudEvent: ce-specversion, ce-id, ce-source and ce-type headers with the data as the body, or an application/cloudevents+json body.");
            }

            if (request.ContentLength > limit)
            {
                return TooLarge(limit);
            }

            using var body = new MemoryStream();
            await request.Body.CopyToAsync(body, http.RequestAborted).ConfigureAwait(false);
            if (body.Length > limit)
            {
                return TooLarge(limit);
            }

            var received = new Envelope
            {
                MessageId = "",
                MessageType = "",
                ContentType = contentType,
                Headers = structured ? Envelope.EmptyHeaders : attributes,
                Body = body.ToArray(),
            };
            var result = await intake.PublishAsync(received, http.RequestAborted).ConfigureAwait(false);
            if (result.Token is not { } token)
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "CloudEvent refused", detail: result.Refusal);
            }

            http.Response.Headers[ConsistencyToken.HeaderName] = token.ToString();
            return Results.Accepted();
        }).ExcludeFromDescription();
    }

    private static IResult TooLarge(int limit) =>
        Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "CloudEvent too large", detail: $"The bus takes messages of at most {limit} bytes.");
}
