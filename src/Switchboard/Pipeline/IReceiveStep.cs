namespace Switchboard.Pipeline;

/// <summary>One step of the receive pipeline. A step does its part and calls <c>next</c> (or decides not to).</summary>
public interface IReceiveStep
{
    /// <summary>Processes the message, calling <paramref name="next"/> to run the steps after this one.</summary>
    ValueTask InvokeAsync(ReceiveContext context, ReceiveDelegate next);
}
