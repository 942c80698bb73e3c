using System.Text.Json;

namespace Switchboard.Cli;

/// <summary>The <c>--json</c> output: indented, camelCase, one document per command.</summary>
internal static class Json
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static async Task WriteAsync(TextWriter output, object value) =>
        await output.WriteLineAsync(JsonSerializer.Serialize(value, Options)).ConfigureAwait(false);
}
