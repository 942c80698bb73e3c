using System.Collections.Immutable;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Switchboard.Docs.Tests;

/// <summary>
/// Compiles one snippet as a user's project would: the Web SDK's implicit usings, the page's usings, every Switchboard
/// library, and the types the page's other blocks declare (a reader's program has them all).
/// </summary>
internal static partial class SnippetCompiler
{
    /// <summary>What <c>dotnet new web</c> (Microsoft.NET.Sdk.Web) imports implicitly.</summary>
    private static readonly string[] ImplicitUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Net.Http.Json", "System.Threading", "System.Threading.Tasks",
        "Microsoft.AspNetCore.Builder", "Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Http", "Microsoft.AspNetCore.Routing",
        "Microsoft.Extensions.Configuration", "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
    ];

    /// <summary>
    /// The statements a context puts before a snippet (or, for <c>chain</c>, around it): what the surrounding prose
    /// says the reader already has.
    /// </summary>
    private static readonly Dictionary<string, (string Before, string After)> Contexts = new(StringComparer.Ordinal)
    {
        [""] = ("", ""),
        ["registration"] = ("var builder = WebApplication.CreateBuilder(args);\nvar services = builder.Services;\n", ""),
        ["running"] = ("IServiceProvider services = new ServiceCollection().BuildServiceProvider();\nvar bus = services.GetRequiredService<Switchboard.IBus>();\nvar ct = CancellationToken.None;\n", ""),
        ["bus"] = ("Switchboard.Configuration.SwitchboardBuilder bus = null!;\nvar ct = CancellationToken.None;\n", ""),
        ["chain"] = ("new ServiceCollection().AddSwitchboard(bus => bus\n", ");\n"),
        ["app"] = ("var builder = WebApplication.CreateBuilder(args);\n", ""),
        ["handler"] = ("var ct = CancellationToken.None;\nIMessageContext context = null!;\n", ""),
        ["continue"] = ("", ""),
        ["excerpt"] = ("", ""),   // restates declarations of the library: compiled alone, its types not shared with the page
    };

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    private static readonly Lazy<ImmutableArray<MetadataReference>> References = new(() =>
    {
        var platform = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator);
        var names = platform.Select(Path.GetFileName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var local = Directory.GetFiles(AppContext.BaseDirectory, "*.dll").Where(f => !names.Contains(Path.GetFileName(f)));
        return [.. platform.Concat(local).Where(IsAssembly).Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))];
    });

    /// <summary>
    /// The blocks of <paramref name="file"/> that make one program (no context, or <c>continue</c>) compiled together:
    /// their usings, their statements in order, then their types. Null and the errors when it does not compile.
    /// </summary>
    public static (byte[]? Assembly, IReadOnlyList<string> Errors) CompileProgram(string file)
    {
        var options = ParseOptions;
        var blocks = DocSnippet.All.Where(s => s.File == file && s.Context is "" or "continue").ToList();
        var usings = string.Concat(ImplicitUsings.Concat(blocks.SelectMany(b => b.PageUsings)).Distinct(StringComparer.Ordinal).Select(u => $"global using {u};\n"));
        var (statements, types) = Split(blocks);
        var compilation = CSharpCompilation.Create(
            "Tour",
            [CSharpSyntaxTree.ParseText(usings, options), CSharpSyntaxTree.ParseText(statements + "\n" + types, options)],
            References.Value,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, nullableContextOptions: NullableContextOptions.Enable));
        using var output = new MemoryStream();
        var result = compilation.Emit(output);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        return (result.Success ? output.ToArray() : null, errors);
    }

    /// <summary>The statements of <paramref name="blocks"/>, in order, and their type declarations: one program's two halves.</summary>
    public static (string Statements, string Types) Split(IEnumerable<DocSnippet> blocks)
    {
        var options = ParseOptions;
        var roots = blocks.Select(b => CSharpSyntaxTree.ParseText(StripUsings(b.Code), options).GetRoot()).ToList();
        return (
            string.Concat(roots.SelectMany(r => r.ChildNodes().OfType<GlobalStatementSyntax>()).Select(g => g.ToFullString())),
            string.Join('\n', roots.SelectMany(r => r.ChildNodes().OfType<BaseTypeDeclarationSyntax>()).Select(t => t.ToFullString())));
    }

    /// <summary>The errors of <paramref name="snippet"/>, each with its line in the page.</summary>
    public static IReadOnlyList<string> Errors(DocSnippet snippet)
    {
        if (!Contexts.TryGetValue(snippet.Context, out var context))
        {
            return [$"unknown snippet context '{snippet.Context}' (known: {string.Join(", ", Contexts.Keys.Where(k => k.Length > 0))})"];
        }

        var usings = string.Concat(ImplicitUsings.Concat(snippet.PageUsings).Distinct(StringComparer.Ordinal).Select(u => $"global using {u};\n"))
            + "global using Switchboard.Docs.StandIns;\n";
        var before = context.Before + (snippet.Context == "continue" ? EarlierStatements(snippet, ParseOptions) : "") + (snippet.Extra.Length > 0 ? snippet.Extra + "\n" : "");
        var code = StripUsings(snippet.Code);
        var source = $"{before}#line {snippet.Line + 1} \"{snippet.File}\"\n{code}#line default\n{context.After}";
        var options = ParseOptions;
        var tree = CSharpSyntaxTree.ParseText(source, options, path: "snippet.cs");
        var isProgram = tree.GetRoot().DescendantNodes().OfType<GlobalStatementSyntax>().Any();
        var declared = TypeNames(tree.GetRoot());
        var earlier = snippet.Context == "excerpt" ? "" : string.Join('\n', DocSnippet.All
            .Where(s => s.Context != "excerpt" && ((s.File == snippet.File && s.Line != snippet.Line) || snippet.TypesFrom.Contains(s.File)))
            .SelectMany(s => CSharpSyntaxTree.ParseText(StripUsings(s.Code), options).GetRoot().ChildNodes().OfType<BaseTypeDeclarationSyntax>())
            .Where(t => declared.Add(t.Identifier.Text))
            .Select(t => t.ToFullString()));
        usings += string.Concat(DocSnippet.All.Where(s => snippet.TypesFrom.Contains(s.File)).SelectMany(s => s.PageUsings).Distinct(StringComparer.Ordinal).Select(u => $"global using {u};\n"));
        var compilation = CSharpCompilation.Create(
            "Snippet",
            [CSharpSyntaxTree.ParseText(usings, options, path: "usings.cs"), CSharpSyntaxTree.ParseText(earlier, options, path: "earlier-blocks.cs"), tree],
            References.Value,
            new CSharpCompilationOptions(isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        using var output = new MemoryStream();
        var result = compilation.Emit(output);
        return [.. result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d =>
        {
            var at = d.Location.GetMappedLineSpan();
            return $"{at.Path}:{at.StartLinePosition.Line + 1}: {d.Id} {d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)}";
        })];
    }

    // For a block that continues the page's program (the README's tour): the statements of the page's earlier blocks.
    private static string EarlierStatements(DocSnippet snippet, CSharpParseOptions options) =>
        string.Concat(DocSnippet.All
            .Where(s => s.File == snippet.File && s.Line < snippet.Line)
            .SelectMany(s => CSharpSyntaxTree.ParseText(StripUsings(s.Code), options).GetRoot().ChildNodes().OfType<GlobalStatementSyntax>())
            .Select(g => g.ToFullString()));

    // The types a block declares: an earlier block's type of the same name is left out (the page shows it again).
    private static HashSet<string> TypeNames(SyntaxNode root) =>
        [.. root.DescendantNodes().OfType<BaseTypeDeclarationSyntax>().Select(t => t.Identifier.Text)];

    // A page's usings are applied to all its blocks as global usings; a using directive after them would be an error.
    private static string StripUsings(string code) =>
        string.Join('\n', code.Split('\n').Select(l => UsingDirective().IsMatch(l) ? "" : l));

    [System.Text.RegularExpressions.GeneratedRegex(@"^using [A-Za-z0-9_.]+;\s*(//.*)?$")]
    private static partial System.Text.RegularExpressions.Regex UsingDirective();

    private static bool IsAssembly(string path)
    {
        try
        {
            System.Reflection.AssemblyName.GetAssemblyName(path);
            return true;
        }
        catch (BadImageFormatException)
        {
            return false;
        }
    }
}
