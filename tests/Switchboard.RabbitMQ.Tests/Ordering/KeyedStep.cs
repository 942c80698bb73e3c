namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary>
/// Message <paramref name="Number"/> of key <paramref name="Key"/>, numbered in send order from 0. A poison one fails
/// while <see cref="HandOverLedger.Poisoned"/> is set, so that it is dead-lettered and, once re-driven, succeeds.
/// </summary>
public sealed record KeyedStep(string Key, int Number, bool Poison = false);
