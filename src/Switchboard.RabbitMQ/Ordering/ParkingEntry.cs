namespace Switchboard.RabbitMQ.Ordering;

/// <summary>One decoded message of the parking log: a record, a reader's end marker, or why it is neither.</summary>
internal readonly record struct ParkingEntry(ParkingRecord? Record, string? MarkerId, string? Problem)
{
    public static ParkingEntry Of(ParkingRecord record) => new(record, null, null);

    public static ParkingEntry OfMarker(string id) => new(null, id, null);

    public static ParkingEntry Malformed(string problem) => new(null, null, problem);
}
