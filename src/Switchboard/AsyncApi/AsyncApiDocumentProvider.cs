using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Configuration;

namespace Switchboard.AsyncApi;

/// <summary>
/// The application's AsyncAPI document (<see cref="Microsoft.Extensions.DependencyInjection.SwitchboardAsyncApiServiceCollectionExtensions.AddAsyncApi"/>),
/// generated once, the first time it is asked for: registrations do not change while the application runs.
/// </summary>
public sealed class AsyncApiDocumentProvider
{
    // Relaxed escaping: the document is JSON for tools and people, not HTML, so "'" and "+" stay as they are.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Lazy<byte[]> _json;

    /// <summary>Describes the buses <paramref name="buses"/> returns, with <paramref name="info"/>.</summary>
    public AsyncApiDocumentProvider(AsyncApiInfo info, Func<IEnumerable<BusConfiguration>> buses)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(buses);
        _json = new Lazy<byte[]>(() => JsonSerializer.SerializeToUtf8Bytes(AsyncApiDocument.Create(info, buses()), Indented));
    }

    /// <summary>The document as indented UTF-8 JSON, as served.</summary>
    public ReadOnlyMemory<byte> Utf8Json => _json.Value;

    /// <summary>A copy of the document, to read or change.</summary>
    public JsonObject GetDocument() => JsonNode.Parse(_json.Value)!.AsObject();
}
