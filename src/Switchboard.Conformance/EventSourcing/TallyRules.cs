using Switchboard.EventSourcing;

namespace Switchboard.Conformance.EventSourcing;

/// <summary>
/// What the suites' tally projections (<see cref="TallyProjection"/>, <see cref="SqlTallyProjection"/>) count each
/// <see cref="Counted"/> amount for, and where they fail on purpose: held by the test, shared by the projection
/// instances it starts.
/// </summary>
public sealed class TallyRules
{
    private int _failuresLeft;
    private long _failPosition;

    /// <summary>What each amount counts for (changed before a rebuild, to see the new code's result).</summary>
    public int Multiplier { get; set; } = 1;

    /// <summary>How many batches failed on purpose.</summary>
    public int Failures { get; private set; }

    /// <summary>Makes the next batch that contains the event at <paramref name="position"/> fail after applying it.</summary>
    public void FailOnceAt(long position)
    {
        _failPosition = position;
        _failuresLeft = 1;
    }

    /// <summary>What <paramref name="counted"/> adds to its stream's tally.</summary>
    public long Amount(Counted counted)
    {
        ArgumentNullException.ThrowIfNull(counted);
        return (long)counted.Amount * Multiplier;
    }

    /// <summary>Called after an event is applied: throws when the batch is to fail there.</summary>
    public void Applied(RecordedEvent recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        if (_failuresLeft > 0 && recorded.Position == _failPosition)
        {
            _failuresLeft--;
            Failures++;
            throw new InvalidOperationException($"Failing on purpose after applying event {recorded.Position}.");
        }
    }
}
