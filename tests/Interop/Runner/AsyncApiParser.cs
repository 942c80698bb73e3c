using System.Text.Json;

namespace Switchboard.Interop;

/// <summary>
/// The official AsyncAPI parser (<c>@asyncapi/parser</c>, tests/Interop/validate-asyncapi.mjs) run on a document file:
/// fails the test on any diagnostic of severity error, with every diagnostic in the message.
/// </summary>
internal static class AsyncApiParser
{
    /// <summary>Validates <paramref name="file"/>; returns the script's summary (errors, diagnostics, channels, operations, messages).</summary>
    public static async Task<JsonElement> AssertValidAsync(string file)
    {
        var validation = await NodeScript.RunAsync("validate-asyncapi.mjs", [file], new Dictionary<string, string>(), TimeSpan.FromMinutes(2));
        Assert.True(validation.ExitCode == 0, validation.ToString());
        var summary = JsonSerializer.Deserialize<JsonElement>(validation.Output.TrimEnd().Split('\n')[^1]);
        Assert.Equal(0, summary.GetProperty("errors").GetInt32());
        return summary;
    }
}
