using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Switchboard.Cli;

/// <summary>
/// A running application's console API (<c>MapSwitchboardConsole</c>, under <c>{console}/api</c>): what the CLI uses with
/// <c>--console</c>. A refusal (problem details) becomes a <see cref="CliException"/> with the problem's detail.
/// </summary>
internal sealed class ConsoleApiClient : IDisposable
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);
    private readonly HttpClient _http;

    public ConsoleApiClient(Uri console, string? token)
    {
        _http = new HttpClient { BaseAddress = new Uri(console.AbsoluteUri.TrimEnd('/') + "/api/"), Timeout = TimeSpan.FromMinutes(5) };
        if (token is not null)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
    }

    public string Name => _http.BaseAddress!.GetLeftPart(UriPartial.Path).TrimEnd('/')[..^"/api".Length];

    /// <summary>GETs <paramref name="path"/>; null when it is a 404.</summary>
    public async Task<JsonElement?> FindAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NotFound ? null : await ReadAsync(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task<JsonElement> GetAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>GETs <paramref name="path"/> and returns the answer's text as it came, for a document to be written unchanged.</summary>
    public async Task<string> GetTextAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.GetAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        return await ReadTextAsync(response, cancellationToken).ConfigureAwait(false);
    }

    public async Task<JsonElement> PostAsync(string path, object? body, CancellationToken cancellationToken)
    {
        using var content = body is null ? null : JsonContent.Create(body, options: Web);
        using var response = await _http.PostAsync(new Uri(path, UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, cancellationToken).ConfigureAwait(false);
    }

    public static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await ReadTextAsync(response, cancellationToken).ConfigureAwait(false);
        return text.Length == 0 ? default : JsonSerializer.Deserialize<JsonElement>(text, Web);
    }

    private static async Task<string> ReadTextAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            return text;
        }

        var why = response.StatusCode switch
        {
            HttpStatusCode.Unauthorized => "the console wants a token: give --token (or SWITCHBOARD_CONSOLE_TOKEN)",
            HttpStatusCode.Forbidden when !IsProblem(text) => "the console refused the token",
            _ => null,
        };
        throw new CliException($"the console answered {(int)response.StatusCode}: {why ?? Detail(text) ?? response.ReasonPhrase}");
    }

    private static bool IsProblem(string text) => Detail(text) is not null;

    private static string? Detail(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<JsonElement>(text).TryGetProperty("detail", out var detail) ? detail.GetString() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
