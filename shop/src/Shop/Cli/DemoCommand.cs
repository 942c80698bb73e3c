using System.CommandLine;

namespace Shop.Cli;

/// <summary><c>shop demo</c>.</summary>
internal static class DemoCommand
{
    public static Command Create()
    {
        var orders = new Option<int>("--orders") { Description = "Orders the demo places", DefaultValueFactory = _ => 1000, CustomParser = CliOptions.AtLeastOne };
        var data = CliOptions.Data();
        var demo = new Command("demo", "Places orders through the real HTTP API on the embedded default, waits until every order is terminal, prints a summary and checks the invariants.") { orders, data };
        demo.SetAction((result, cancellationToken) => DemoHost.RunAsync(result.GetValue(orders), result.GetRequiredValue(data), cancellationToken));
        return demo;
    }
}
