namespace Shop.Cli;

/// <summary>How the shop executable refuses what it cannot do: one line on standard error, exit code 2.</summary>
internal static class Usage
{
    public const int ExitCode = 2;

    public static int Refuse(string message)
    {
        Console.Error.WriteLine("shop: " + message);
        return ExitCode;
    }
}
