using System.Reflection;
using System.Runtime.Loader;

namespace Switchboard.Docs.Tests;

/// <summary>
/// The README's tour (steps 1 to 5, one <c>Program.cs</c>) runs as written: it starts a bus on a SQLite file, sends,
/// publishes and schedules, looks at the dead letters and stops. Its working directory is a fresh folder (the tour
/// writes <c>data/switchboard.db</c>), so this test class runs alone.
/// </summary>
[Collection(nameof(WorkingDirectory))]
public sealed class ReadmeTourTests
{
    [Fact]
    public async Task The_tour_runs_to_its_end_on_a_SQLite_file()
    {
        var (assembly, errors) = SnippetCompiler.CompileProgram("README.md");
        Assert.True(assembly is not null, "the tour does not compile as one program:\n" + string.Join('\n', errors));

        var folder = Directory.CreateTempSubdirectory("switchboard-tour-");
        var previous = Environment.CurrentDirectory;
        var context = new AssemblyLoadContext("tour", isCollectible: true);
        try
        {
            Environment.CurrentDirectory = folder.FullName;
            var entry = context.LoadFromStream(new MemoryStream(assembly)).EntryPoint!;
            var result = entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
            if (result is Task running)
            {
                await running.WaitAsync(TimeSpan.FromMinutes(1));
            }

            Assert.True(File.Exists(Path.Combine(folder.FullName, "data", "switchboard.db")), "the tour made no SQLite file");
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            throw new InvalidOperationException("the tour failed: " + e.InnerException, e.InnerException);
        }
        finally
        {
            Environment.CurrentDirectory = previous;
            context.Unload();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            folder.Delete(recursive: true);
        }
    }
}

/// <summary>Tests that change the process's working directory run one at a time.</summary>
[CollectionDefinition(nameof(WorkingDirectory), DisableParallelization = true)]
public sealed class WorkingDirectory;
