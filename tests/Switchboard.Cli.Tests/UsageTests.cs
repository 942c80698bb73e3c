namespace Switchboard.Cli.Tests;

/// <summary>Bad input gets one clear line on standard error and exit code 2 (1 for what is missing), and changes nothing.</summary>
public sealed class UsageTests
{
    [Theory]
    [InlineData("dlq list --queue orders", "say where")]
    [InlineData("flow 42 --sqlite a.db --rabbitmq amqp://h/", "--sqlite names the whole embedded default")]
    [InlineData("outbox list --schema s", "--schema needs --postgres")]
    [InlineData("dlq list --queue orders --rabbitmq not-a-uri", "is not an amqp:// or amqps:// URI")]
    [InlineData("dlq purge --queue orders --sqlite missing.db", "add --yes")]
    [InlineData("frobnicate", "frobnicate")]
    [InlineData("dlq list", "--queue")]
    public async Task Bad_command_lines_are_refused_with_exit_code_2(string line, string says)
    {
        var (exitCode, output, error) = await Cli.RunAsync(line.Split(' '));

        Assert.Equal(AdminCli.UsageError, exitCode);
        Assert.Contains(says, error, StringComparison.Ordinal);
        Assert.StartsWith("switchboard: ", error, StringComparison.Ordinal);
        Assert.Equal("", output);
    }

    [Fact]
    public async Task A_file_that_does_not_exist_is_an_error_and_is_not_created()
    {
        var path = Path.Combine(Path.GetTempPath(), "switchboard-cli-" + Guid.NewGuid().ToString("N") + ".db");

        var (exitCode, _, error) = await Cli.RunAsync("flow", "order-1", "--sqlite", path);

        Assert.Equal(AdminCli.Failed, exitCode);
        Assert.Contains("There is no SQLite file", error, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }
}
