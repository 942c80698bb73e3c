using Switchboard.Configuration;

namespace Switchboard.Conformance.Harness;

/// <summary>A command the suites send.</summary>
public sealed record TestCommand(int Number, string Text = "");

/// <summary>An event the suites publish.</summary>
public sealed record TestEvent(int Number);

/// <summary>A command a handler sends in reaction to another message.</summary>
public sealed record FollowUp(int Number);

/// <summary>Registers the suites' message types.</summary>
public static class TestMessageNames
{
    /// <summary>Wire name of <see cref="TestCommand"/>.</summary>
    public const string Command = "switchboard.testing.command.v1";

    /// <summary>Wire name of <see cref="TestEvent"/>.</summary>
    public const string Event = "switchboard.testing.event.v1";

    /// <summary>Wire name of <see cref="FollowUp"/>.</summary>
    public const string FollowUp = "switchboard.testing.follow-up.v1";

    /// <summary>Registers all test message types on the builder.</summary>
    public static SwitchboardBuilder AddTestMessages(this SwitchboardBuilder builder) => builder
        .Message<TestCommand>(Command)
        .Message<TestEvent>(Event)
        .Message<FollowUp>(FollowUp);
}
