namespace Switchboard.Tests.Architecture;

/// <summary>
/// The core's namespaces depend on each other one way: each uses only namespaces below it in <see cref="Layers"/>.
/// Configuration is data and builders; the runtime turns it into running endpoints; outgoing messages have one owner
/// (<c>Sending</c>), below the pipeline that hands them over.
/// </summary>
public sealed class CoreLayeringTests
{
    /// <summary>The core's namespaces, lowest first (docs/architecture.md draws the same picture).</summary>
    private static readonly string[] Layers =
    [
        "Switchboard.Messages",
        "Switchboard.Retries",
        "Switchboard",
        "Switchboard.Serialization",
        "Switchboard.CloudEvents",
        "Switchboard.Diagnostics",
        "Switchboard.Transport",
        "Switchboard.Persistence",
        "Switchboard.Auditing",
        "Switchboard.EventSourcing",
        "Switchboard.EventSourcing.Aggregates",
        "Switchboard.EventSourcing.Subscriptions",
        "Switchboard.EventSourcing.Projections",
        "Switchboard.Operations",
        "Switchboard.InMemory",
        "Switchboard.Sending",
        "Switchboard.Pipeline",
        "Switchboard.Sagas",
        "Switchboard.Configuration",
        "Switchboard.AsyncApi",
        "Switchboard.Pipeline.Steps",
        "Switchboard.Runtime",
        "Switchboard.Hosting",
        "Switchboard.EventSourcing.Hosting",
        "Switchboard.Consistency",
        "Microsoft.Extensions.DependencyInjection",
    ];

    private static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlySet<string>>> Dependencies =
        NamespaceDependencies.Read(typeof(IBus).Assembly.Location);

    [Fact]
    public void Every_namespace_of_the_core_has_its_place_in_the_layers()
    {
        var namespaces = Dependencies.Keys.Concat(Dependencies.Values.SelectMany(d => d.Keys)).Distinct().Where(n => n.Length > 0);

        var unplaced = namespaces.Except(Layers).Order().ToList();

        Assert.True(unplaced.Count == 0, "Not in the layers: " + string.Join(", ", unplaced));
    }

    [Fact]
    public void Namespaces_use_only_the_layers_below_them()
    {
        var rank = Layers.Select((name, index) => (name, index)).ToDictionary(l => l.name, l => l.index);
        var upwards = Dependencies
            .SelectMany(from => from.Value.Select(to => (From: from.Key, To: to.Key, Users: to.Value)))
            .Where(edge => rank.TryGetValue(edge.From, out var from) && rank.TryGetValue(edge.To, out var to) && to >= from)
            .Select(edge => $"{edge.From} uses {edge.To} in {string.Join(", ", edge.Users.Order())}")
            .Order()
            .ToList();

        Assert.True(upwards.Count == 0, "Upward dependencies:\n" + string.Join("\n", upwards));
    }

    [Fact]
    public void The_reading_sees_what_only_a_method_body_uses()
    {
        // The runtime creates the built-in steps only inside EndpointPipeline's methods and lambdas.
        Assert.Contains("EndpointPipeline", Dependencies["Switchboard.Runtime"]["Switchboard.Pipeline.Steps"]);
    }
}
