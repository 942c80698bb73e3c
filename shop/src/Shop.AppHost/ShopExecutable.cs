using System.Diagnostics;
using System.Reflection;

namespace Shop.AppHost;

/// <summary>
/// The shop executable that every service process runs: <c>shop.dll</c> in the Shop project's output for the
/// configuration this AppHost was built in (the AppHost references the project, so building one builds the other).
/// </summary>
public sealed class ShopExecutable
{
    private ShopExecutable(string dll) => Dll = dll;

    /// <summary>The path of <c>shop.dll</c>.</summary>
    public string Dll { get; }

    /// <summary>The <c>dotnet</c> host that runs it: the one running this process.</summary>
    public static string Host => Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet" ? path : "dotnet";

    /// <summary>Finds the built executable; throws when it is not there (build the AppHost first).</summary>
    public static ShopExecutable Find()
    {
        var configuration = typeof(ShopExecutable).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Release";
        var project = Path.GetDirectoryName(new Projects.Shop().ProjectPath)!;
        var dll = Path.Combine(project, "bin", configuration, "net10.0", "shop.dll");
        return File.Exists(dll) ? new ShopExecutable(dll) : throw new InvalidOperationException($"{dll} does not exist: build shop/src/Shop.AppHost in {configuration} first.");
    }

    /// <summary>
    /// Runs <c>shop ARGUMENTS</c> to its end with <paramref name="environment"/> added; its output goes to this
    /// process's. Throws when it exits with anything but 0.
    /// </summary>
    public async Task RunAsync(IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Host) { UseShellExecute = false };
        start.ArgumentList.Add(Dll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + Host);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"shop {arguments[0]} exited with {process.ExitCode} (its output is above).");
        }
    }
}
