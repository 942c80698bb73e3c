namespace Switchboard.Testing;

/// <summary>How a wait of the harness ended: with a value, at idle, or at its timeout (with what was still pending).</summary>
internal readonly record struct WaitOutcome<T>(T? Value, bool Idle, TimeSpan Waited, string? Pending, string? Scheduled)
    where T : class;
