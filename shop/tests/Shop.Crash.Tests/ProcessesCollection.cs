namespace Shop.Crash.Tests;

/// <summary>The tests of this project start and kill shop processes: one at a time, so that kills land where they should.</summary>
[CollectionDefinition(Name)]
public sealed class ProcessesCollection
{
    public const string Name = "shop processes";
}
