namespace Switchboard.AsyncApi;

/// <summary>
/// What an AsyncAPI document says about the system besides its messaging: the <c>info</c> object (title, version,
/// description) and the <c>servers</c> the channels are on. The channels, operations and messages come from the buses'
/// registrations (<see cref="AsyncApiDocument.Create"/>).
/// </summary>
/// <param name="Title">The system's name, e.g. <c>Shop</c>.</param>
/// <param name="Version">The version of the system's messaging contract (not of the AsyncAPI specification).</param>
public sealed record AsyncApiInfo(string Title, string Version)
{
    /// <summary>A longer description of the system (CommonMark), or null.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// The brokers the channels are on, by name; none where there is no network server to name (an embedded database
    /// transport). Hosts only: a server never carries credentials.
    /// </summary>
    public IReadOnlyList<AsyncApiServer> Servers { get; init; } = [];
}
