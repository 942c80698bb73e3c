namespace Switchboard.Operations;

/// <summary>The receive endpoints of this process and what they have done: what an operator's console shows first.</summary>
public interface IEndpointMonitor
{
    /// <summary>Every endpoint configured in this process, running or not, in configuration order.</summary>
    IReadOnlyList<EndpointStatus> Endpoints { get; }
}
