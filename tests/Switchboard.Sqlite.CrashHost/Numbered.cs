namespace Switchboard.Sqlite.CrashHost;

/// <summary>The one message of the crash tests: a number that identifies it.</summary>
public sealed record Numbered(int Number)
{
    /// <summary>Its stable wire name.</summary>
    public const string Name = "switchboard.crash-test.numbered.v1";
}
