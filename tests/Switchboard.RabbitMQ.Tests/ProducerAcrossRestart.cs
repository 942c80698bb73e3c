namespace Switchboard.RabbitMQ.Tests;

/// <summary>What a producer saw while the broker restarted under it.</summary>
/// <param name="Sent">Messages sent and confirmed, numbered 0 to <c>Sent - 1</c>.</param>
/// <param name="Failures">Send attempts that failed because the broker was away (each was sent again).</param>
public sealed record RestartRun(int Sent, int Failures);

/// <summary>
/// Sends numbered messages in batches and restarts the broker once a third of <c>minimum</c> is sent. Sending goes on,
/// paced, until the restart is over and at least <c>minimum</c> are sent: a fixed count could all be confirmed before
/// the broker went down on a fast machine, and then the test would prove nothing.
/// </summary>
public static class ProducerAcrossRestart
{
    private static readonly TimeSpan PaceWhileRestarting = TimeSpan.FromMilliseconds(100);

    /// <summary>
    /// Sends the numbers of each batch at once, and each number until it is confirmed (<paramref name="send"/> must
    /// reuse the number's message id, so that a send the broker took before failing is not a second message).
    /// </summary>
    public static async Task<RestartRun> RunAsync(int minimum, int batch, Func<int, ValueTask> send)
    {
        var failures = 0;
        Task? restart = null;
        var next = 0;
        while (next < minimum || restart is not { IsCompleted: true })
        {
            if (restart is null && next >= minimum / 3)
            {
                restart = Task.Run(TestBroker.RestartAsync);
            }

            await Task.WhenAll(Enumerable.Range(next, batch).Select(async number =>
            {
                var deadline = DateTime.UtcNow.AddSeconds(120);
                while (true)
                {
                    try
                    {
                        await send(number);
                        return;
                    }
                    catch (Exception) when (DateTime.UtcNow < deadline)
                    {
                        Interlocked.Increment(ref failures);
                        await Task.Delay(200);
                    }
                }
            }));
            next += batch;
            if (restart is { IsCompleted: false })
            {
                await Task.Delay(PaceWhileRestarting);
            }
        }

        await restart;
        return new RestartRun(next, failures);
    }
}
