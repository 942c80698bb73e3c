using System.Diagnostics;
using System.Text;

namespace Switchboard.Docs.Tests;

/// <summary>
/// The packages as a new user gets them (issue 17): the solution packs only its products, each with its readme and
/// symbols, and a new console app that references the packages from a local folder, and nothing of this repository,
/// builds and runs the README's tour.
/// </summary>
[Collection(nameof(WorkingDirectory))]
public sealed class PackagesTests
{
    private static readonly string[] Products =
    [
        "Switchboard", "Switchboard.Cli", "Switchboard.Console", "Switchboard.OpenTelemetry", "Switchboard.PostgreSql",
        "Switchboard.RabbitMQ", "Switchboard.Sqlite", "Switchboard.Conformance", "Switchboard.Testing",
    ];

    [Fact]
    public async Task The_products_pack_with_readmes_and_symbols_and_an_app_on_the_local_feed_runs_the_tour()
    {
        var work = Directory.CreateTempSubdirectory("switchboard-packages-");
        try
        {
            // Packed from this test's own build (the test command builds Release first), with a version of its own so
            // that the package cache never answers with an older build.
            var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            var version = $"0.0.0-test.{DateTime.UtcNow:yyyyMMddHHmmss}";
            var feed = Path.Combine(work.FullName, "feed");
            await RunAsync(DocSnippet.Root, "dotnet", "pack", "Switchboard.slnx", "--no-build", "-c", configuration, "-o", feed, $"-p:Version={version}", $"-p:MinVerVersionOverride={version}", "-nologo");

            var packages = Directory.GetFiles(feed, "*.nupkg").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(Products.Select(p => $"{p}.{version}.nupkg").Order(StringComparer.Ordinal), packages);
            foreach (var product in Products)
            {
                Assert.True(File.Exists(Path.Combine(feed, $"{product}.{version}.snupkg")), $"{product} has no symbols package");
                using var package = System.IO.Compression.ZipFile.OpenRead(Path.Combine(feed, $"{product}.{version}.nupkg"));
                Assert.Contains(package.Entries, e => e.FullName == "README.md");
            }

            var app = Path.Combine(work.FullName, "app");
            Directory.CreateDirectory(app);
            await File.WriteAllTextAsync(Path.Combine(app, "app.csproj"), $"""
                <Project Sdk="Microsoft.NET.Sdk">
                  <PropertyGroup>
                    <OutputType>Exe</OutputType>
                    <TargetFramework>net10.0</TargetFramework>
                    <ImplicitUsings>enable</ImplicitUsings>
                    <Nullable>enable</Nullable>
                  </PropertyGroup>
                  <ItemGroup>
                    <PackageReference Include="Switchboard" Version="{version}" />
                    <PackageReference Include="Switchboard.Sqlite" Version="{version}" />
                    <PackageReference Include="Microsoft.Extensions.Hosting" Version="10.0.14" />
                  </ItemGroup>
                </Project>
                """);
            await File.WriteAllTextAsync(Path.Combine(app, "nuget.config"), $"""
                <?xml version="1.0" encoding="utf-8"?>
                <configuration>
                  <packageSources>
                    <add key="switchboard-local" value="{feed}" />
                  </packageSources>
                </configuration>
                """);
            await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), ReadmeTour());

            var output = await RunAsync(app, "dotnet", "run", "-nologo");
            Assert.True(File.Exists(Path.Combine(app, "data", "switchboard.db")), "the tour made no SQLite file:\n" + output);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    // The README's steps 1 to 5 as one Program.cs: usings first, then the statements, then the types.
    private static string ReadmeTour()
    {
        var blocks = DocSnippet.All.Where(s => s.File == "README.md" && s.Context is "" or "continue").ToList();
        var usings = string.Concat(blocks.SelectMany(b => b.PageUsings).Distinct(StringComparer.Ordinal).Select(u => $"using {u};\n"));
        var (statements, types) = SnippetCompiler.Split(blocks);
        return usings + statements + "\n" + types;
    }

    private static async Task<string> RunAsync(string directory, string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = new StringBuilder();
        var reading = Task.WhenAll(
            Task.Run(async () => output.Append(await process.StandardOutput.ReadToEndAsync())),
            Task.Run(async () => output.Append(await process.StandardError.ReadToEndAsync())));
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', arguments)} did not end within 5 minutes:\n{output}");
        }

        await reading;
        Assert.True(process.ExitCode == 0, $"{file} {string.Join(' ', arguments)} exited {process.ExitCode}:\n{output}");
        return output.ToString();
    }
}
