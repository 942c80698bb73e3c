using System.CommandLine;
using System.Text.Json;

namespace Switchboard.Cli;

/// <summary><c>asyncapi</c>: a running application's AsyncAPI document, through its console, to a file or standard output.</summary>
internal static class AsyncApiCommand
{
    public static Command Create(CliContext context)
    {
        var output = new Option<FileInfo?>("--output", "-o") { Description = "The file to write the document to (default: standard output)" };
        var command = new Command("asyncapi", "Writes the application's AsyncAPI 3.0 document (--console): its channels, operations and messages with their schemas, generated from its registrations") { output };
        command.SetAction((result, cancellationToken) => AdminCli.WithConsoleAsync(context, result, "the AsyncAPI document", async console =>
        {
            // Written as the application serves it: the CLI neither reformats nor checks it (the official parser does that).
            var document = await console.GetTextAsync("asyncapi", cancellationToken).ConfigureAwait(false);
            if (result.GetValue(output) is not { } file)
            {
                await context.Output.WriteLineAsync(document).ConfigureAwait(false);
                return 0;
            }

            await File.WriteAllTextAsync(file.FullName, document, cancellationToken).ConfigureAwait(false);
            using var parsed = JsonDocument.Parse(document);
            var root = parsed.RootElement;
            var messages = root.TryGetProperty("components", out var components) ? Count(components, "messages") : 0;
            await context.Output.WriteLineAsync($"{file.FullName}: {Count(root, "channels")} channels, {Count(root, "operations")} operations, {messages} messages").ConfigureAwait(false);
            return 0;
        }, cancellationToken));
        return command;
    }

    private static int Count(JsonElement element, string name) =>
        element.TryGetProperty(name, out var map) && map.ValueKind == JsonValueKind.Object ? map.EnumerateObject().Count() : 0;
}
