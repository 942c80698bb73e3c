namespace Switchboard.CrashTesting;

/// <summary>Polls a condition until it holds; fails loudly with a description when it does not in time.</summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(40);

    public static async Task UntilAsync(Func<bool> condition, string what, Func<string>? describe = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.{Environment.NewLine}{describe?.Invoke()}");
            }

            await Task.Delay(25);
        }
    }

    /// <summary>The same for a condition that must ask something (a broker, a database) each time.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, Func<string>? describe = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? DefaultTimeout);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what}.{Environment.NewLine}{describe?.Invoke()}");
            }

            await Task.Delay(25);
        }
    }
}
