using System.Net.Http.Headers;
using System.Text;

namespace Switchboard.RabbitMQ.Tests;

/// <summary>
/// The broker the test command started (scripts/services/rabbitmq.sh): its AMQP URI and management API come from
/// the environment. A missing broker fails the tests loudly; they never skip.
/// </summary>
public static class TestBroker
{
    private static readonly Lazy<HttpClient> Http = new(CreateClient);

    public static Uri AmqpUri => new(Required("SWITCHBOARD_RABBITMQ_URI"));

    /// <summary>The management API, with an administrator's credentials.</summary>
    public static Uri ManagementUri => new(Required("SWITCHBOARD_RABBITMQ_MANAGEMENT"));

    /// <summary>The AMQP URI pointing at another vhost.</summary>
    public static Uri UriFor(string vhost) => new UriBuilder(AmqpUri) { Path = "/" + Uri.EscapeDataString(vhost) }.Uri;

    /// <summary>Creates a vhost to which the test user has full permissions.</summary>
    public static async Task CreateVhostAsync(string vhost)
    {
        var name = Uri.EscapeDataString(vhost);
        (await Http.Value.PutAsync($"api/vhosts/{name}", Json("{}"))).EnsureSuccessStatusCode();
        var user = Uri.EscapeDataString(Uri.UnescapeDataString(AmqpUri.UserInfo.Split(':')[0]));
        (await Http.Value.PutAsync($"api/permissions/{name}/{user}", Json("""{"configure":".*","write":".*","read":".*"}"""))).EnsureSuccessStatusCode();
    }

    /// <summary>The AMQP URI of another user on another vhost.</summary>
    public static Uri UriFor(string vhost, string user, string password) =>
        new UriBuilder(AmqpUri) { UserName = Uri.EscapeDataString(user), Password = Uri.EscapeDataString(password), Path = "/" + Uri.EscapeDataString(vhost) }.Uri;

    /// <summary>The names of the queues of a vhost, as the management API lists them.</summary>
    public static async Task<IReadOnlyList<string>> QueueNamesAsync(string vhost)
    {
        using var response = await Http.Value.GetAsync($"api/queues/{Uri.EscapeDataString(vhost)}?columns=name");
        response.EnsureSuccessStatusCode();
        using var json = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return [.. json.RootElement.EnumerateArray().Select(queue => queue.GetProperty("name").GetString() ?? "")];
    }

    public static async Task DeleteVhostAsync(string vhost) =>
        await Http.Value.DeleteAsync($"api/vhosts/{Uri.EscapeDataString(vhost)}");

    /// <summary>Restarts the broker application (its data survives), with the command the test script exported.</summary>
    public static async Task RestartAsync()
    {
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash", ["-c", Required("SWITCHBOARD_RABBITMQ_RESTART")])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(3));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"Restarting the broker failed ({process.ExitCode}): {await stdout} {await stderr}");
        }
    }

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static HttpClient CreateClient()
    {
        var management = ManagementUri;
        var client = new HttpClient { BaseAddress = new UriBuilder(management) { UserName = "", Password = "", Path = "/" }.Uri };
        var credentials = Uri.UnescapeDataString(management.UserInfo);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return client;
    }

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run the tests with ./scripts/test.sh, which starts RabbitMQ on loopback and sets it.");
}
