using System.Diagnostics;

namespace Shop.Distributed.Tests;

/// <summary>
/// Runs the shipped <c>shop broker-users</c> command (the shop executable, as an operator would) against the test node's
/// management API for one vhost, and reads back each service's AMQP URI from the files it wrote. The users' names start
/// with a prefix of the test's own; <see cref="DeleteAsync"/> removes them.
/// </summary>
internal sealed class BrokerUsersCommand(string vhost, string userPrefix, string directory)
{
    public async Task<IReadOnlyDictionary<string, Uri>> RunAsync()
    {
        var amqp = new UriBuilder(TestServers.AmqpUri) { UserName = "", Password = "", Path = "/" + Uri.EscapeDataString(vhost) }.Uri;
        var start = ShopProcess.StartInfo("broker-users", "--amqp", amqp.ToString(), "--out", directory, "--user-prefix", userPrefix);
        start.Environment["SWITCHBOARD_RABBITMQ_MANAGEMENT"] = TestServers.ManagementUri.ToString();
        using var process = Process.Start(start)!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(process.ExitCode == 0, $"shop broker-users exited with {process.ExitCode}:\n{await stdout}\n{await stderr}");

        // The output names users and files, never a password.
        var printed = await stdout + await stderr;
        var files = ShopServices.Names.ToDictionary(s => s, s => BrokerUsers.FileOf(directory, s), StringComparer.Ordinal);
        var uris = files.ToDictionary(f => f.Key, f => BrokerUsers.ReadUri(f.Value), StringComparer.Ordinal);
        Assert.All(uris.Values, uri => Assert.DoesNotContain(Uri.UnescapeDataString(uri.UserInfo.Split(':')[1]), printed, StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            foreach (var file in files.Values)
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
        }

        return uris;
    }

    public async Task DeleteAsync()
    {
        foreach (var service in ShopServices.Names)
        {
            await TestServers.DeleteUserAsync(userPrefix + service);
        }
    }
}
