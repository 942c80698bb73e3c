using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Shop.Distributed.Tests;
using Shop.Http;

namespace Shop.Tests;

/// <summary>
/// The real shop executable (issue 13, item 11): what it cannot do is refused with one line on standard error and exit
/// code 2, never a stack trace and never a run on something else than was asked; <c>shop token</c> prints a token the
/// shop accepts.
/// </summary>
public sealed class CommandLineTests : IDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("shop-cli-test-");

    [Theory]
    [InlineData("run --transport kafka", "shop: --transport is sqlite or rabbitmq, not 'kafka'.")]
    [InlineData("run --store mongo", "shop: --store is sqlite or postgres, not 'mongo'.")]
    [InlineData("run --services foo", "shop: --services takes names from order, payment, inventory, shipping, notification, analytics; unknown: foo.")]
    [InlineData("run --services order,foo,bar", "unknown: foo, bar.")]
    [InlineData("run --url http://0.0.0.0:5999", "shop: --url http://0.0.0.0:5999 is not a loopback address")]
    [InlineData("run --url http://[::]:5999", "is not a loopback address")]
    [InlineData("run --url http://127.0.0.1:x", "shop: --url takes an http URL")]
    [InlineData("run --transport rabbitmq", "shop: --transport rabbitmq needs --rabbitmq")]
    [InlineData("run --jwt-authority http://idp.example", "shop: --jwt-authority takes an https URL (http only on loopback)")]
    [InlineData("run --customer-order-burst 0", "shop: --customer-order-burst takes a whole number of at least 1, not '0'.")]
    [InlineData("run --customer-order-burst many", "not 'many'")]
    [InlineData("run --customer-order-rate 1e3", "not '1e3'")]
    [InlineData("token --customer a/b", CustomerIds.Rule)]
    [InlineData("token", "shop: shop token needs --customer ID, --operator, or both.")]
    [InlineData("token --customer alice --data nowhere", "shop: No signing key at nowhere/jwt-signing.key")]
    [InlineData("load --orders 1 --data nowhere", "shop: No signing key at nowhere/jwt-signing.key")]
    [InlineData("run --store postgres", "shop: --store postgres needs --postgres")]
    [InlineData("fly", "shop: ")]
    [InlineData("run --stuck-order-timeout 00:00:00", "shop: --stuck-order-timeout takes a positive duration (hh:mm:ss), not '00:00:00'.")]
    [InlineData("run --stuck-order-timeout soon", "not 'soon'")]
    [InlineData("run --gateway-latency fast", "shop: --gateway-latency takes a duration from 0 to 1 minute such as 50ms")]
    [InlineData("run --gateway-latency 2m", "not '2m'")]
    [InlineData("run --gateway-latency -5ms", "not '-5ms'")]
    [InlineData("run --gateway-latency NaNms", "not 'NaNms'")]
    [InlineData("run --gateway-latency 1e300s", "not '1e300s'")]
    [InlineData("run --concurrency 0", "shop: --concurrency takes 1 to 256, not '0'.")]
    [InlineData("run --concurrency 257", "not '257'")]
    [InlineData("run --concurrency many", "not 'many'")]
    [InlineData("broker-users --amqp http://rabbit:5672/shop", "shop: --amqp takes an amqp:// or amqps:// URL")]
    [InlineData("broker-users --amqp http://admin:s3cret@rabbit:5672/shop", "not 'http://***@rabbit:5672/shop'")]
    [InlineData("run --url http://admin:s3cret@127.0.0.1:5999", "not 'http://***@127.0.0.1:5999'")]
    [InlineData("token --customer alice --lifetime 2147483647", "shop: --lifetime takes 1 to 10080 minutes")]
    [InlineData("token --customer alice --lifetime week", "not 'week'")]
    [InlineData("demo --orders x", "shop: --orders takes a whole number of at least 1, not 'x'.")]
    [InlineData("demo --orders 0", "not '0'")]
    [InlineData("load --rate NaN", "shop: --rate takes a number above 0 and at most 100000, not 'NaN'.")]
    [InlineData("load --rate -1", "not '-1'")]
    [InlineData("load --orders 0", "shop: --orders takes a whole number of at least 1")]
    [InlineData("load --patience forever", "not 'forever'")]
    public async Task What_the_shop_cannot_do_is_refused_with_one_line_and_exit_code_2(string arguments, string expected)
    {
        var (exitCode, output, error) = await RunAsync(arguments.Split(' '));

        Assert.True(exitCode == 2, $"exit code {exitCode}; stderr: {error}; stdout: {output}");
        var line = Assert.Single(error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", error, StringComparison.Ordinal);
        Assert.Empty(output);
        Assert.False(Directory.Exists(Path.Combine(_directory.FullName, "data")), "nothing was started");
    }

    [Fact]
    public async Task Shop_token_prints_tokens_the_running_shop_accepts_for_a_customer_and_an_operator()
    {
        var url = $"http://127.0.0.1:{FreePort()}";
        await using var shop = ShopHost.Build(new ShopHostOptions { DataDirectory = Path.Combine(_directory.FullName, "shop"), Url = url, Services = ["order"] });
        await shop.StartAsync();

        var (customerExit, customerToken, customerError) = await RunAsync(["token", "--customer", "alice", "--data", "shop"]);
        var (operatorExit, operatorToken, _) = await RunAsync(["token", "--operator", "--signing-key-file", Path.Combine("shop", DevelopmentSigningKey.FileName)]);

        Assert.True(customerExit == 0, customerError);
        Assert.Equal(0, operatorExit);
        using var http = new HttpClient { BaseAddress = new Uri(url) };
        Assert.Equal(HttpStatusCode.OK, await Bearer.StatusAsync(http, "/orders", customerToken.Trim()));
        Assert.Equal(HttpStatusCode.Forbidden, await Bearer.StatusAsync(http, "/health/details", customerToken.Trim()));
        Assert.Equal(HttpStatusCode.OK, await Bearer.StatusAsync(http, "/health/details", operatorToken.Trim()));
        await shop.StopAsync();
    }

    public void Dispose() => _directory.Delete(recursive: true);


    // The built shop executable in the test's directory; killed when it has not exited within the patience (a command
    // that should have been refused and runs instead).
    private async Task<(int ExitCode, string Output, string Error)> RunAsync(IEnumerable<string> arguments)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet) { RedirectStandardOutput = true, RedirectStandardError = true, RedirectStandardInput = true, UseShellExecute = false, WorkingDirectory = _directory.FullName };
        start.ArgumentList.Add(ShopProcess.ShopDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("SWITCHBOARD_RABBITMQ_URI");
        start.Environment.Remove("SWITCHBOARD_POSTGRES_CONNECTION");
        start.Environment.Remove("SHOP_SIGNING_KEY_FILE");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Patience);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            return (-1, await output, "still running after " + Patience + ": " + await error);
        }

        return (process.ExitCode, await output, await error);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
