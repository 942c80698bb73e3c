namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary><see cref="Eventually"/> for conditions that ask the broker.</summary>
public static class Waiting
{
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, Func<string>? describe = null, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? Eventually.DefaultTimeout);
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
