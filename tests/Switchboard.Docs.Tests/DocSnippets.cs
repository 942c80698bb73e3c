using System.Text.RegularExpressions;

namespace Switchboard.Docs.Tests;

/// <summary>
/// One <c>```csharp</c> block of README.md or docs/, with what it assumes: the context named by an HTML comment on the
/// line before its fence (<c>&lt;!-- snippet: CONTEXT types: PAGE, PAGE | extra statements --&gt;</c>, invisible when
/// rendered: the types of other pages it uses, and statements that stand for what the prose says the reader has), and
/// the <c>using</c> directives of every block of its page (a page shows its usings once, as a reader copies them once).
/// </summary>
public sealed partial record DocSnippet(string File, int Line, string Code, string Context, string Extra, IReadOnlyList<string> PageUsings, IReadOnlyList<string> TypesFrom)
{
    /// <summary>The repository's root: the folder above the test's output that holds Switchboard.slnx.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Every C# block of README.md and docs/*.md.</summary>
    public static IReadOnlyList<DocSnippet> All { get; } = Read();

    public override string ToString() => $"{File}:{Line}";

    private static IReadOnlyList<DocSnippet> Read()
    {
        var files = new[] { Path.Combine(Root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md").Order(StringComparer.Ordinal));
        var snippets = new List<DocSnippet>();
        foreach (var file in files)
        {
            var text = System.IO.File.ReadAllText(file);
            var blocks = Block().Matches(text);
            var usings = blocks.SelectMany(b => UsingLine().Matches(b.Groups["code"].Value).Select(u => u.Groups["ns"].Value)).Distinct(StringComparer.Ordinal).ToList();
            foreach (Match block in blocks)
            {
                var line = text[..block.Index].Count(c => c == '\n') + 1;
                var context = block.Groups["context"].Success ? block.Groups["context"].Value.Trim() : "";
                var extra = block.Groups["extra"].Success ? block.Groups["extra"].Value.Trim() : "";
                var typesFrom = block.Groups["types"].Success ? block.Groups["types"].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : [];
                snippets.Add(new DocSnippet(Path.GetRelativePath(Root, file), line, block.Groups["code"].Value, context, extra, usings, typesFrom));
            }
        }

        return snippets;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (System.IO.File.Exists(Path.Combine(directory.FullName, "Switchboard.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Switchboard.slnx not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"(?:<!--\s*snippet:\s*(?<context>[a-z-]*)\s*(?:types:(?<types>[^|>]*?))?\s*(?:\|(?<extra>.*?))?-->\s*\n)?^```csharp\n(?<code>.*?)^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Block();

    [GeneratedRegex(@"^using (?<ns>[A-Za-z0-9_.]+);", RegexOptions.Multiline)]
    private static partial Regex UsingLine();
}
