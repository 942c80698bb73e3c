namespace Switchboard.Sqlite.CrashHost;

/// <summary>Optionally waits (so that batches are in flight when the process is killed), then reports the number.</summary>
internal sealed class NumberedHandler(HostArguments arguments) : IMessageHandler<Numbered>
{
    public async ValueTask HandleAsync(Numbered message, IMessageContext context, CancellationToken cancellationToken)
    {
        if (arguments.HandlerDelay > TimeSpan.Zero)
        {
            await Task.Delay(arguments.HandlerDelay, cancellationToken);
        }

        Output.Line($"handled {message.Number}");
    }
}
