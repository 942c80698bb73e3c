using System.Globalization;
using Switchboard.RabbitMQ;

namespace Shop;

/// <summary>
/// <c>shop broker-users</c>: as a RabbitMQ administrator, declares Shop's topology on a vhost and creates or updates
/// one user per service with a new random password and exactly the permissions its code needs
/// (<see cref="ShopBrokerAccess"/>, <see cref="RabbitMqPermissions.For"/>). Each service's AMQP URI goes to a file of
/// its own that only the owner may read (<c>{directory}/{service}.env</c>, one line
/// <c>SWITCHBOARD_RABBITMQ_URI=…</c>); the output names the users, the files and the permissions, never a password.
/// Running it again is fine: the topology stays, the permissions are set again, the passwords change.
/// </summary>
public sealed class BrokerUsers(Uri management, Uri amqp, string directory, string userPrefix, IReadOnlyList<string> services, TextWriter output)
{
    /// <summary>The environment variable each file sets.</summary>
    public const string UriVariable = "SWITCHBOARD_RABBITMQ_URI";

    /// <summary>The file that holds <paramref name="service"/>'s URI in <paramref name="directory"/>.</summary>
    public static string FileOf(string directory, string service) => Path.Combine(directory, service + ".env");

    /// <summary>Reads the AMQP URI back from a file this command wrote.</summary>
    public static Uri ReadUri(string file) =>
        File.ReadAllLines(file).Select(l => l.Trim()).Where(l => l.StartsWith(UriVariable + "=", StringComparison.Ordinal)).Select(l => new Uri(l[(UriVariable.Length + 1)..])).Single();

    /// <summary>Provisions the broker and writes the files; 0 on success.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        ShopServices.Validate(services);
        var vhost = Uri.UnescapeDataString(amqp.AbsolutePath.TrimStart('/'));
        if (vhost.Length == 0)
        {
            throw new ArgumentException($"--amqp {amqp.Scheme}://{amqp.Authority} names no vhost: give it as the path, e.g. amqp://rabbit:5672/shop.");
        }

        var accesses = services.ToDictionary(s => s, ShopBrokerAccess.For, StringComparer.Ordinal);
        using var provisioner = new RabbitMqProvisioner(management);
        await provisioner.DeclareTopologyAsync(vhost, accesses.Values, cancellationToken).ConfigureAwait(false);
        output.WriteLine($"Topology declared on vhost '{vhost}' for: {string.Join(", ", services)}.");

        CreatePrivateDirectory(directory);
        foreach (var (service, access) in accesses)
        {
            var user = userPrefix + service;
            var password = RabbitMqProvisioner.NewPassword();
            var permissions = RabbitMqPermissions.For(access);
            await provisioner.SetUserAsync(vhost, user, password, permissions, cancellationToken).ConfigureAwait(false);
            var uri = new UriBuilder(amqp) { UserName = Uri.EscapeDataString(user), Password = Uri.EscapeDataString(password) }.Uri;
            var file = FileOf(directory, service);
            WritePrivateFile(file, $"{UriVariable}={uri.AbsoluteUri}\n");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{service}: user {user}, URI in {file}"));
            output.WriteLine($"  configure {permissions.Configure}  write {permissions.Write}  read {permissions.Read}");
            foreach (var topic in permissions.TopicPermissions)
            {
                output.WriteLine($"  topic {topic.Exchange}: write {topic.Write}  read {topic.Read}");
            }
        }

        return 0;
    }

    private static void CreatePrivateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(path);
            return;
        }

        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    // Written to a new file that only the owner may read, then moved over the old one: no moment where another user
    // could read the secret, whatever mode an earlier file had.
    private static void WritePrivateFile(string path, string content)
    {
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        using (var writer = new StreamWriter(stream))
        {
            writer.Write(content);
        }

        File.Move(temporary, path, overwrite: true);
    }
}
