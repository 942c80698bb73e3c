using System.CommandLine;
using Shop.Http;

namespace Shop.Cli;

/// <summary><c>shop load</c>: it mints its customers' tokens with the running shop's development signing key.</summary>
internal static class LoadCommand
{
    public static Command Create()
    {
        var orders = new Option<int>("--orders") { Description = "Orders to place", DefaultValueFactory = _ => 10_000, CustomParser = CliOptions.AtLeastOne };
        var rate = new Option<double>("--rate") { Description = "Orders per second, sent on schedule whatever the shop does (open loop)", DefaultValueFactory = _ => 500, CustomParser = CliOptions.Positive(100_000) };
        var url = new Option<Uri>("--url") { Description = "HTTP address of the running shop", DefaultValueFactory = _ => new Uri("http://127.0.0.1:5080"), CustomParser = CliOptions.HttpUrl };
        var patience = new Option<int>("--patience") { Description = "Seconds to wait, after the last order is sent, for every order to be terminal", DefaultValueFactory = _ => 120, CustomParser = CliOptions.Whole(0, 86_400, "0 to 86400 seconds") };
        var data = CliOptions.Data();
        var signingKeyFile = CliOptions.SigningKeyFile();
        var load = new Command("load", "Places orders at a fixed rate against a running shop (shop run) and prints one JSON line: achieved orders/s and order-to-terminal p50/p99. It signs its tokens with the shop's development key (--data or --signing-key-file).")
        {
            orders, rate, url, patience, data, signingKeyFile,
        };
        load.SetAction(async (result, cancellationToken) =>
        {
            ShopTokens tokens;
            try
            {
                tokens = ShopTokens.FromKeyFile(CliOptions.KeyFile(result, data, signingKeyFile));
            }
            catch (ArgumentException exception)
            {
                return Usage.Refuse(exception.Message);
            }

            var outcome = await new LoadRun(result.GetRequiredValue(url), tokens, result.GetValue(orders), result.GetValue(rate), TimeSpan.FromSeconds(result.GetValue(patience)), Console.Error)
                .RunAsync(cancellationToken);
            Console.Out.WriteLine(outcome.ToJsonLine());
            return outcome.Correct ? 0 : 1;
        });
        return load;
    }
}
