using System.Net;
using System.Net.Http.Headers;

namespace Shop.Tests;

/// <summary>Requests with a bearer token, for tests that hold tokens rather than clients.</summary>
internal static class Bearer
{
    /// <summary>The status of <c>GET <paramref name="path"/></c> with <paramref name="token"/>.</summary>
    public static async Task<HttpStatusCode> StatusAsync(HttpClient http, string path, string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
