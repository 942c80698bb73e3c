namespace Switchboard.Persistence;

/// <summary>A saga instance as stored.</summary>
/// <param name="Saga">The saga's name.</param>
/// <param name="Key">The correlation key (e.g. the order id).</param>
/// <param name="Version">1 after the first save, incremented by every save.</param>
/// <param name="State">The state as JSON.</param>
/// <param name="Completed">Completed instances stay as tombstones, so that late messages never start them again.</param>
public sealed record SagaRecord(string Saga, string Key, long Version, string State, bool Completed);
