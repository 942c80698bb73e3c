using Switchboard.EventSourcing.Aggregates;

namespace Switchboard.Conformance.EventSourcing;

/// <summary>The suites' aggregate: a balance that takes <see cref="Counted"/> deposits and a name.</summary>
public sealed class TestAccount : Aggregate<TestAccountState>
{
    /// <summary>Deposits <paramref name="amount"/>; refuses to go below zero.</summary>
    public void Deposit(int amount)
    {
        if (State.Balance + amount < 0)
        {
            throw new InvalidOperationException("The balance cannot go below zero.");
        }

        Raise(new Counted(amount));
    }

    /// <summary>Renames the account.</summary>
    public void Rename(string name) => Raise(new Renamed(name));

    /// <inheritdoc />
    protected override TestAccountState Apply(TestAccountState state, object @event) => @event switch
    {
        Counted counted => state with { Balance = state.Balance + counted.Amount, Deposits = state.Deposits + 1 },
        Renamed renamed => state with { Name = renamed.Name },
        _ => state,
    };
}

/// <summary>The state of a <see cref="TestAccount"/>.</summary>
public sealed record TestAccountState
{
    /// <summary>The sum of deposits.</summary>
    public long Balance { get; init; }

    /// <summary>How many deposits.</summary>
    public int Deposits { get; init; }

    /// <summary>The latest name.</summary>
    public string Name { get; init; } = "";
}
