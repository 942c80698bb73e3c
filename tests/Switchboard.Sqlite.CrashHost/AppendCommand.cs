using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Switchboard.EventSourcing;
using Switchboard.Messages;
using Switchboard.Sqlite.Events;

namespace Switchboard.Sqlite.CrashHost;

/// <summary>
/// Appends to the streams <c>crash-0</c>..<c>crash-{streams-1}</c> of an event store in the file, one loop per stream,
/// all at once, batches of <see cref="HostArguments.Batch"/> events with the exact expected version, until stdin is
/// closed. Each stream continues from the version stored in the file, so a host restarted after a kill goes on where the
/// killed one committed. The events of batch k (from 1) are versions (k-1)*B+1..k*B and carry
/// <c>{"batch":k,"index":i}</c>; "appended &lt;stream&gt; &lt;version&gt;" is printed once the append returned.
/// </summary>
internal static class AppendCommand
{
    public const string StreamPrefix = "crash-";
    public const string EventType = "crash-appended";

    public static async Task<int> RunAsync(HostArguments arguments)
    {
        using var loggers = LoggerFactory.Create(logging => logging
            .AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace)
            .SetMinimumLevel(LogLevel.Warning));
        await using var store = new SqliteEventStore(new SqliteTransportOptions { Path = arguments.Database }, loggers);
        await store.InitializeAsync();
        Output.Line("ready");

        using var stop = new CancellationTokenSource();
        var loops = Enumerable.Range(0, arguments.Streams)
            .Select(i => AppendLoopAsync(store, StreamPrefix + i.ToString(CultureInfo.InvariantCulture), arguments.Batch, stop.Token))
            .ToList();
        var appending = Task.WhenAll(loops);
        await Task.WhenAny(appending, StandardInput.WaitForEndAsync());
        await stop.CancelAsync();
        await appending; // each loop ends after its append in flight; a failed loop's error surfaces here
        Output.Line("stopped");
        return 0;
    }

    private static async Task AppendLoopAsync(IEventStore store, string stream, int size, CancellationToken cancellationToken)
    {
        var version = await store.GetStreamVersionAsync(stream, cancellationToken);
        if (version % size != 0)
        {
            throw new InvalidOperationException($"'{stream}' is at version {version}, not at the end of a batch of {size}.");
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            var batch = version / size + 1;
            var events = new EventData[size];
            for (var index = 0; index < size; index++)
            {
                var data = Encoding.UTF8.GetBytes($$"""{"batch":{{batch}},"index":{{index}}}""");
                events[index] = new EventData(MessageIds.New(), EventType, data, EventMetadata.Empty);
            }

            var result = await store.AppendAsync(stream, ExpectedVersion.Exact(version), events, CancellationToken.None);
            version = result.StreamVersion;
            Output.Line($"appended {stream} {version}");
        }
    }
}
