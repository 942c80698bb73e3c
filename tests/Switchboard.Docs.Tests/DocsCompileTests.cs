namespace Switchboard.Docs.Tests;

/// <summary>Every C# block of README.md and docs/ compiles as written (issue 17: docs that cannot rot).</summary>
public sealed class DocsCompileTests
{
    public static TheoryData<string> Snippets => [.. DocSnippet.All.Select(s => s.ToString())];

    [Theory]
    [MemberData(nameof(Snippets))]
    public void The_snippet_compiles(string at)
    {
        var snippet = DocSnippet.All.Single(s => s.ToString() == at);

        var errors = SnippetCompiler.Errors(snippet);

        Assert.True(errors.Count == 0, $"{at} does not compile:\n{string.Join('\n', errors)}\n--- the block ---\n{snippet.Code}");
    }

    [Fact]
    public void The_pages_have_snippets_to_check()
    {
        Assert.Contains(DocSnippet.All, s => s.File == "README.md");
        Assert.True(DocSnippet.All.Count >= 40, $"only {DocSnippet.All.Count} snippets found");
    }
}
