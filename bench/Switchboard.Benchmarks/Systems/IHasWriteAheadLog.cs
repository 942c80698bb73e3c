namespace Switchboard.Benchmarks.Systems;

/// <summary>A transport setup whose store keeps a write-ahead log that the soak scenario watches.</summary>
public interface IHasWriteAheadLog
{
    /// <summary>The log of the store this setup created.</summary>
    WriteAheadLog WriteAheadLog { get; }
}
