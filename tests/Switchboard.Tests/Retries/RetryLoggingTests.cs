using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Tests.Hosting;

namespace Switchboard.Tests.Retries;

/// <summary>
/// What the log says about failed attempts: one line without a stack trace for each attempt that is retried, and
/// the exception with the attempt after which the message is given up.
/// </summary>
public sealed class RetryLoggingTests
{
    private static readonly RetryPolicy TwoImmediateOneDelayed = new() { ImmediateRetries = 2, DelayedRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(10) };

    private readonly RecordingLoggerProvider _logs = new();
    private readonly Failures _failures = new();

    [Fact]
    public async Task An_attempt_that_is_retried_is_one_line_and_the_one_given_up_carries_the_exception()
    {
        _failures.FailuresBeforeSuccess[1] = 4;
        _failures.FailuresBeforeSuccess[2] = int.MaxValue;
        using var host = await TestHost.StartAsync(
            bus => bus.Message<Ping>("tests.ping.v1").Endpoint("flaky", e => e.Handle<Ping, FlakyHandler>().Retry(TwoImmediateOneDelayed)),
            services => services.AddSingleton(_failures),
            logs: _logs);
        var bus = host.Services.GetRequiredService<IBus>();

        await bus.SendAsync("flaky", new Ping(1));
        await TestHost.WaitUntilAsync(() => _failures.Handled.Contains(1), "ping 1 handled on its fifth attempt");
        await bus.SendAsync("flaky", new Ping(2));
        await TestHost.WaitUntilAsync(() => Failed(2).Any(e => e.Exception is not null), "ping 2 given up");

        var first = Failed(1);
        Assert.Equal(4, first.Count);
        Assert.All(first, e => Assert.Null(e.Exception));
        Assert.All(first, e => Assert.Contains("InvalidOperationException: ping 1 fails", e.Message, StringComparison.Ordinal));
        Assert.Equal(3, first.Count(e => e.Message.Contains("retrying now", StringComparison.Ordinal)));
        Assert.Single(first, e => e.Message.Contains("retrying in 00:00:00.0", StringComparison.Ordinal));

        var second = Failed(2);
        Assert.Equal(6, second.Count);
        Assert.Equal(5, second.Count(e => e.Exception is null));
        Assert.IsType<InvalidOperationException>(second[^1].Exception);
        Assert.Contains("is not retried", second[^1].Message, StringComparison.Ordinal);
        await host.StopAsync();
    }

    private List<(LogLevel Level, string Category, string Message, Exception? Exception)> Failed(int number) =>
        _logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains($"ping {number} fails", StringComparison.Ordinal)
            || e.Exception?.Message == $"ping {number} fails").ToList();

    public sealed class Failures
    {
        public ConcurrentDictionary<int, int> FailuresBeforeSuccess { get; } = new();

        public ConcurrentDictionary<int, int> Attempts { get; } = new();

        public ConcurrentBag<int> Handled { get; } = [];
    }

    public sealed class FlakyHandler(Failures failures) : IMessageHandler<Ping>
    {
        public ValueTask HandleAsync(Ping message, IMessageContext context, CancellationToken cancellationToken)
        {
            var attempt = failures.Attempts.AddOrUpdate(message.Number, 1, (_, count) => count + 1);
            if (attempt <= failures.FailuresBeforeSuccess.GetValueOrDefault(message.Number))
            {
                throw new InvalidOperationException($"ping {message.Number} fails");
            }

            failures.Handled.Add(message.Number);
            return ValueTask.CompletedTask;
        }
    }
}
