using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Shop.EndToEnd.Tests;

/// <summary>Asserts that an answer is a problem details document (<c>application/problem+json</c>) with the expected status and a title.</summary>
internal static class Problems
{
    public static async Task<JsonElement> AssertAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()), $"a problem without a title: {text}");
        return problem;
    }

    /// <summary>The problem's validation errors for <paramref name="field"/>, joined.</summary>
    public static string Errors(JsonElement problem, string field) =>
        string.Join(" ", problem.GetProperty("errors").GetProperty(field).EnumerateArray().Select(e => e.GetString()));
}
