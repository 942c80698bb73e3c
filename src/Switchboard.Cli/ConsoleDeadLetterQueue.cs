using System.Globalization;
using System.Text;
using System.Text.Json;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Cli;

/// <summary>The dead letters of a running application, through its console's API: the same commands as on a broker.</summary>
internal sealed class ConsoleDeadLetterQueue(ConsoleApiClient console) : IDeadLetterQueue
{
    public async ValueTask<IReadOnlyList<DeadLetter>> ListAsync(string queue, int skip = 0, int take = 100, CancellationToken cancellationToken = default)
    {
        var list = await console.GetAsync($"dead-letters?endpoint={ConsoleApiClient.Escape(queue)}&skip={skip.ToString(CultureInfo.InvariantCulture)}&take={Math.Min(take, 500).ToString(CultureInfo.InvariantCulture)}", cancellationToken).ConfigureAwait(false);
        return [.. list.GetProperty("items").EnumerateArray().Select(Read)];
    }

    public async ValueTask<DeadLetter?> GetAsync(string queue, string id, CancellationToken cancellationToken = default) =>
        await console.FindAsync($"dead-letters/{ConsoleApiClient.Escape(queue)}/{ConsoleApiClient.Escape(id)}", cancellationToken).ConfigureAwait(false) is { } found ? Read(found) : null;

    public async ValueTask<long> CountAsync(string queue, CancellationToken cancellationToken = default) =>
        (await console.GetAsync($"dead-letters?endpoint={ConsoleApiClient.Escape(queue)}&take=1", cancellationToken).ConfigureAwait(false)).GetProperty("total").GetInt64();

    public async ValueTask<bool> RedriveAsync(string queue, string id, CancellationToken cancellationToken = default) =>
        (await console.PostAsync($"dead-letters/{ConsoleApiClient.Escape(queue)}/redrive", new { ids = new[] { id } }, cancellationToken).ConfigureAwait(false)).GetProperty("redriven").GetInt32() == 1;

    public async ValueTask<int> RedriveAllAsync(string queue, CancellationToken cancellationToken = default) =>
        (await console.PostAsync($"dead-letters/{ConsoleApiClient.Escape(queue)}/redrive", new { all = true }, cancellationToken).ConfigureAwait(false)).GetProperty("redriven").GetInt32();

    public async ValueTask<bool> DeleteAsync(string queue, string id, CancellationToken cancellationToken = default) =>
        (await console.PostAsync($"dead-letters/{ConsoleApiClient.Escape(queue)}/delete", new { ids = new[] { id } }, cancellationToken).ConfigureAwait(false)).GetProperty("deleted").GetInt32() == 1;

    public async ValueTask<int> PurgeAsync(string queue, CancellationToken cancellationToken = default) =>
        (await console.PostAsync($"dead-letters/{ConsoleApiClient.Escape(queue)}/purge", new { confirm = queue }, cancellationToken).ConfigureAwait(false)).GetProperty("purged").GetInt32();

    private static DeadLetter Read(JsonElement d) => new(
        d.GetProperty("id").GetString()!,
        d.GetProperty("endpoint").GetString()!,
        new Envelope
        {
            MessageId = d.GetProperty("messageId").GetString()!,
            MessageType = d.GetProperty("messageType").GetString()!,
            CorrelationId = Text(d, "correlationId"),
            CausationId = Text(d, "causationId"),
            TraceParent = Text(d, "traceParent"),
            SentAt = d.GetProperty("sentAt").GetDateTimeOffset(),
            ContentType = Text(d, "contentType") ?? "application/json",
            Headers = d.GetProperty("headers").EnumerateObject().ToDictionary(h => h.Name, h => h.Value.GetString() ?? "", StringComparer.Ordinal),
            Body = Body(Text(d, "body")),
        });

    private static string? Text(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    // The console sends a text body as text and any other as "base64:…".
    private static ReadOnlyMemory<byte> Body(string? text) =>
        text is null ? ReadOnlyMemory<byte>.Empty
        : text.StartsWith("base64:", StringComparison.Ordinal) ? Convert.FromBase64String(text["base64:".Length..])
        : Encoding.UTF8.GetBytes(text);
}
