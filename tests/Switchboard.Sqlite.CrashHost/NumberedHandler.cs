using System.Diagnostics;

namespace Switchboard.Sqlite.CrashHost;

/// <summary>
/// Optionally waits (so that batches are in flight when the process is killed), then reports "handled N T D": the
/// number, when it was handled (<see cref="Stopwatch.GetTimestamp"/>: the system's monotonic clock, comparable across
/// the processes of one machine, so that a test can merge several consumers' lines in the order they happened) and
/// which delivery of the message this was (1 the first, more after a redelivery). A number the poison file lists
/// fails instead, after a line "poisoned N T D".
/// </summary>
internal sealed class NumberedHandler(HostArguments arguments) : IMessageHandler<Numbered>
{
    public async ValueTask HandleAsync(Numbered message, IMessageContext context, CancellationToken cancellationToken)
    {
        if (arguments.HandlerDelay > TimeSpan.Zero)
        {
            await Task.Delay(arguments.HandlerDelay, cancellationToken);
        }

        if (PoisonFile.Lists(arguments.PoisonFile, message.Number))
        {
            Output.Line($"poisoned {message.Number} {Stopwatch.GetTimestamp()} {context.DeliveryCount}");
            throw new InvalidOperationException($"Message {message.Number} is poison while {arguments.PoisonFile} lists it.");
        }

        Output.Line($"handled {message.Number} {Stopwatch.GetTimestamp()} {context.DeliveryCount}");
    }
}
