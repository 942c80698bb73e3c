namespace Switchboard.Sagas;

/// <summary>A message that does not start a saga arrived when no instance exists for its key.</summary>
public sealed class SagaNotFoundException(string message) : Exception(message);
