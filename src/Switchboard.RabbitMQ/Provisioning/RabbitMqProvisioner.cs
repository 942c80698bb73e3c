using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Switchboard.RabbitMQ.Topology;

namespace Switchboard.RabbitMQ;

/// <summary>
/// An administrator's side of least privilege, through RabbitMQ's management HTTP API: declares the transport's topology
/// for a set of services on a vhost (one definitions import; the administrator needs no permissions on the vhost), and
/// creates or updates one user per service with the permissions <see cref="RabbitMqPermissions.For"/> computes. Every
/// step is idempotent. The services then connect with <see cref="RabbitMqTransportOptions.DeclareTopology"/> false.
/// </summary>
public sealed class RabbitMqProvisioner : IDisposable
{
    private static readonly IReadOnlyDictionary<string, object?> NoArguments = new Dictionary<string, object?>();

    private readonly HttpClient _http;
    private readonly RabbitMqTransportOptions _options;

    /// <summary>
    /// Uses the management API at <paramref name="managementUri"/>, whose user information holds an administrator's
    /// name and password (<c>http://admin:secret@rabbit:15672/</c>); <paramref name="options"/> gives the names the
    /// services' transports use (the events exchange, the queue type).
    /// </summary>
    public RabbitMqProvisioner(Uri managementUri, RabbitMqTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(managementUri);
        _options = options ?? new RabbitMqTransportOptions { Uri = new Uri("amqp://localhost") };
        var path = managementUri.AbsolutePath.EndsWith('/') ? managementUri.AbsolutePath : managementUri.AbsolutePath + "/";
        _http = new HttpClient { BaseAddress = new UriBuilder(managementUri) { UserName = "", Password = "", Path = path }.Uri, Timeout = TimeSpan.FromSeconds(60) };
        var credentials = Uri.UnescapeDataString(managementUri.UserInfo);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
    }

    /// <summary>A new random password: 32 letters and digits (about 190 bits).</summary>
    public static string NewPassword() => RandomNumberGenerator.GetString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 32);

    /// <summary>
    /// Creates <paramref name="vhost"/> if it is missing and declares on it the events exchange, the delay chain and
    /// every endpoint of <paramref name="services"/> with its bindings (an ordered endpoint with its partitions, order
    /// exchange, members and parking exchanges and parking log, for the options' <see cref="RabbitMqTransportOptions.Partitions"/>).
    /// Objects that exist stay as they are.
    /// </summary>
    public async Task DeclareTopologyAsync(string vhost, IEnumerable<RabbitMqServiceAccess> services, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(vhost);
        ArgumentNullException.ThrowIfNull(services);
        await SendAsync(HttpMethod.Put, $"api/vhosts/{Escape(vhost)}", new { }, cancellationToken).ConfigureAwait(false);
        var topology = RabbitMqTopology.Combine(
            new[] { RabbitMqTopology.Events(_options), RabbitMqTopology.DelayChain() }
                .Concat(services.SelectMany(s => s.Endpoints).Select(e => RabbitMqTopology.Endpoint(e, _options))));
        var definitions = new
        {
            exchanges = topology.Exchanges.Select(e => new { name = e.Name, vhost, type = e.Type, durable = true, auto_delete = false, @internal = false, arguments = e.Arguments ?? NoArguments }),
            queues = topology.Queues.Select(q => new { name = q.Name, vhost, durable = true, auto_delete = false, arguments = q.Arguments }),
            bindings = topology.Bindings.Select(b => new
            {
                source = b.Source,
                vhost,
                destination = b.Destination,
                destination_type = b.ToExchange ? "exchange" : "queue",
                routing_key = b.RoutingKey,
                arguments = b.Arguments ?? NoArguments,
            }),
        };
        await SendAsync(HttpMethod.Post, $"api/definitions/{Escape(vhost)}", definitions, cancellationToken).ConfigureAwait(false);

        // Versions before issue 13 sent through an exchange named like each queue. A service user may read its queues,
        // and whoever may read an exchange of that name may bind it into one it may write: such exchanges go.
        foreach (var queue in topology.Queues.Select(q => q.Name).Where(name => !name.StartsWith(RabbitMqTopology.DelayExchange, StringComparison.Ordinal)))
        {
            await DeleteAsync($"api/exchanges/{Escape(vhost)}/{Escape(queue)}", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Creates or updates <paramref name="user"/> (no tags: it cannot use the management API) with
    /// <paramref name="password"/> and, on <paramref name="vhost"/>, exactly <paramref name="permissions"/>. The topic
    /// permissions are set before the vhost permissions: a new user is never, even briefly, free to publish any routing key.
    /// </summary>
    public async Task SetUserAsync(string vhost, string user, string password, RabbitMqPermissions permissions, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(vhost);
        ArgumentException.ThrowIfNullOrEmpty(user);
        ArgumentException.ThrowIfNullOrEmpty(password);
        ArgumentNullException.ThrowIfNull(permissions);
        await SendAsync(HttpMethod.Put, $"api/users/{Escape(user)}", new { password, tags = "" }, cancellationToken).ConfigureAwait(false);
        foreach (var topic in permissions.TopicPermissions)
        {
            await SendAsync(HttpMethod.Put, $"api/topic-permissions/{Escape(vhost)}/{Escape(user)}", new { exchange = topic.Exchange, write = topic.Write, read = topic.Read }, cancellationToken).ConfigureAwait(false);
        }

        await SendAsync(HttpMethod.Put, $"api/permissions/{Escape(vhost)}/{Escape(user)}", new { configure = permissions.Configure, write = permissions.Write, read = permissions.Read }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes <paramref name="user"/> (all its permissions go with it); a missing user is not an error.</summary>
    public Task DeleteUserAsync(string user, CancellationToken cancellationToken = default) =>
        DeleteAsync($"api/users/{Escape(user)}", cancellationToken);

    // A missing object is not an error.
    private async Task DeleteAsync(string path, CancellationToken cancellationToken)
    {
        using var response = await _http.DeleteAsync(new Uri(path, UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != System.Net.HttpStatusCode.NotFound)
        {
            await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private async Task SendAsync(HttpMethod method, string path, object body, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = JsonContent.Create(body, options: JsonSerializerOptions.Default) };
        using var response = await _http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        await EnsureSuccessAsync(response, cancellationToken).ConfigureAwait(false);
    }

    // The request's body may hold a password: the error names the status and the broker's answer, never the request.
    private static async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (!response.IsSuccessStatusCode)
        {
            var answer = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
            throw new HttpRequestException(
                $"RabbitMQ's management API answered {(int)response.StatusCode} {response.ReasonPhrase} to {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath}: {(answer.Length > 500 ? answer[..500] : answer)}",
                null,
                response.StatusCode);
        }
    }
}
