namespace Switchboard.Pipeline;

/// <summary>The rest of the receive pipeline, as seen by one step.</summary>
public delegate ValueTask ReceiveDelegate(ReceiveContext context);
