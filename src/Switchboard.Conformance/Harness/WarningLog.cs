using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Switchboard.Conformance.Harness;

/// <summary>
/// The warnings and errors a test's buses logged, each with the bus that logged it, so that a failing test can say what
/// the transport complained of (a partition that started over, a lost connection) rather than only what went missing.
/// </summary>
public sealed class WarningLog : ILoggerProvider
{
    // Bounded: a bus that fails in a loop must not fill the test process's memory.
    private const int Most = 200;
    private readonly ConcurrentQueue<string> _entries = new();

    /// <summary>The entries so far, oldest first (at most 200).</summary>
    public IReadOnlyList<string> Entries => [.. _entries];

    /// <summary>A provider for the bus named <paramref name="bus"/>.</summary>
    public ILoggerProvider For(string bus) => new Named(this, bus);

    ILogger ILoggerProvider.CreateLogger(string categoryName) => new Logger(this, "", categoryName);

    void IDisposable.Dispose()
    {
    }

    private void Add(string entry)
    {
        if (_entries.Count < Most)
        {
            _entries.Enqueue(entry);
        }
    }

    private sealed class Named(WarningLog log, string bus) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new Logger(log, bus, categoryName);

        public void Dispose()
        {
        }
    }

    private sealed class Logger(WarningLog log, string bus, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {bus} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : " (" + exception.GetType().Name + ": " + exception.Message + ")")}");
            }
        }
    }
}
