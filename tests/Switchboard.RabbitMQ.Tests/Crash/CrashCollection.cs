namespace Switchboard.RabbitMQ.Tests.Crash;

/// <summary>The crash tests start several processes each; they run one at a time and alone, not beside other tests.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class CrashCollection
{
    public const string Name = "RabbitMQ crash tests with real processes";
}
