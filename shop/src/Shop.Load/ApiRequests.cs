using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Shop;

/// <summary>Reads from a shop's API with a bearer token, as the demo, the load generator and the tests do.</summary>
internal static class ApiRequests
{
    /// <summary>The APIs' JSON (ASP.NET Core's web defaults: camelCase names).</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web);

    /// <summary>GET <paramref name="path"/> with <paramref name="token"/>; the JSON answer. Throws <see cref="HttpRequestException"/> unless 2xx.</summary>
    public static async Task<T?> GetAsync<T>(HttpClient http, string path, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken).ConfigureAwait(false);
    }
}
