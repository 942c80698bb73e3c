namespace Switchboard.RabbitMQ.Ordering;

/// <summary>What a record of the parking log says happened to a key.</summary>
internal enum ParkingRecordKind
{
    /// <summary>A dead letter parks the key: its later messages go to the key's parked queue.</summary>
    Parked,

    /// <summary>The dead letter came back (re-driven or skipped); the key's parked queue is being drained.</summary>
    Draining,

    /// <summary>The key is free again: its parked queue was drained and deleted.</summary>
    Released,
}

/// <summary>
/// One record of an ordered endpoint's parking log (<see cref="ParkingLog"/>). Only the partition's active consumer
/// appends them, for the keys it handles; <see cref="ParkingLog.Fold"/> turns the log into the keys parked now.
/// </summary>
/// <param name="Kind">What happened.</param>
/// <param name="Key">The ordering key.</param>
/// <param name="DeadLetterId">The dead letter that parks the key; null for <see cref="ParkingRecordKind.Released"/>.</param>
internal sealed record ParkingRecord(ParkingRecordKind Kind, string Key, string? DeadLetterId)
{
    /// <summary>A dead letter parks <paramref name="key"/>.</summary>
    public static ParkingRecord Parked(string key, string deadLetterId) => new(ParkingRecordKind.Parked, key, deadLetterId);

    /// <summary>The key's parked queue is being drained after its dead letter <paramref name="deadLetterId"/> came back.</summary>
    public static ParkingRecord Draining(string key, string deadLetterId) => new(ParkingRecordKind.Draining, key, deadLetterId);

    /// <summary>The key is free again.</summary>
    public static ParkingRecord Released(string key) => new(ParkingRecordKind.Released, key, null);
}
