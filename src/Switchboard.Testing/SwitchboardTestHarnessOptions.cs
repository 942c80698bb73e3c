using Switchboard.InMemory;

namespace Switchboard.Testing;

/// <summary>How a <see cref="SwitchboardTestHarness"/> runs the application's bus. Change it with <c>with</c>.</summary>
public sealed record SwitchboardTestHarnessOptions
{
    /// <summary>
    /// Whether the bus runs on a <c>FakeTimeProvider</c> (registered as the host's <see cref="TimeProvider"/>), which only
    /// <see cref="SwitchboardTestHarness.AdvanceTimeAsync"/> moves: saga timeouts, scheduled and delayed messages and delayed
    /// retries are then due only when the test says so. Default true; false keeps the application's clock (or the
    /// system's), and <see cref="SwitchboardTestHarness.AdvanceTimeAsync"/> cannot be used.
    /// </summary>
    public bool UseFakeTime { get; init; } = true;

    /// <summary>Where the fake clock starts; the real time when the harness is created unless set.</summary>
    public DateTimeOffset? StartTime { get; init; }

    /// <summary>
    /// Whether the message store and the event store the application configured (SQLite, PostgreSQL) are kept. By default
    /// (false) the bus gets the in-memory ones, in place of the configured ones or where the application's registrations
    /// leave the stores to the environment (as they leave the transport); keep them when handlers use the store's own SQL
    /// (<see cref="Persistence.ISqlUnitOfWork"/>) or a projection that needs it. The transport is always the in-memory one.
    /// </summary>
    public bool KeepStores { get; init; }

    /// <summary>
    /// The longest any wait of the harness lasts (an expectation, <see cref="SwitchboardTestHarness.WaitForIdleAsync"/>,
    /// <see cref="SwitchboardTestHarness.AdvanceTimeAsync"/>), in real time, unless a call says otherwise. Default 10 seconds.
    /// </summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The limits of the harness's in-memory network.</summary>
    public InMemoryNetworkOptions Network { get; init; } = new();

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(Timeout, TimeSpan.Zero, nameof(Timeout));
        ArgumentNullException.ThrowIfNull(Network, nameof(Network));
    }
}
