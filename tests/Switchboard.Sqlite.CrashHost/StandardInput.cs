namespace Switchboard.Sqlite.CrashHost;

/// <summary>The test closes the host's stdin to ask it to stop gracefully.</summary>
internal static class StandardInput
{
    /// <summary>Completes when stdin is closed; anything written to it is ignored.</summary>
    public static async Task WaitForEndAsync()
    {
        using var input = Console.OpenStandardInput();
        var buffer = new byte[256];
        while (await input.ReadAsync(buffer) > 0)
        {
            // Anything written is ignored; only the end of input matters.
        }
    }
}
