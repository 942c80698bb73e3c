namespace Switchboard.AsyncApi;

/// <summary>
/// One entry of an AsyncAPI document's <c>servers</c>: where the broker is (host and port, protocol, and a path such as
/// a RabbitMQ vhost), never who connects to it. The constructor refuses a host that carries a user name or password;
/// <see cref="FromUri"/> drops them from a connection URI.
/// </summary>
public sealed record AsyncApiServer
{
    /// <summary>Describes the server <paramref name="name"/> (its key in <c>servers</c>) at <paramref name="host"/> (<c>host[:port]</c>) speaking <paramref name="protocol"/> (e.g. <c>amqp</c>).</summary>
    /// <exception cref="ArgumentException">The name is not a valid AsyncAPI key, or the host is not a bare <c>host[:port]</c>.</exception>
    public AsyncApiServer(string name, string host, string protocol)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(protocol);
        if (!AsyncApiKeys.IsValid(name))
        {
            throw new ArgumentException($"Server name '{name}' may only contain ASCII letters, digits, '.', '-' and '_'.", nameof(name));
        }

        // A host with '@' or a scheme would be how credentials leak into a document anyone may read.
        if (string.IsNullOrWhiteSpace(host) || host.Contains('@', StringComparison.Ordinal) || host.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"The server's host is host[:port] only, without scheme, path or credentials (was '{host}'); use AsyncApiServer.FromUri for a connection URI.", nameof(host));
        }

        Name = name;
        Host = host;
        Protocol = protocol;
    }

    /// <summary>The server's key in the document's <c>servers</c>.</summary>
    public string Name { get; }

    /// <summary><c>host[:port]</c>.</summary>
    public string Host { get; }

    /// <summary>The protocol, e.g. <c>amqp</c> or <c>amqps</c>.</summary>
    public string Protocol { get; }

    /// <summary>The path on the server, starting with <c>/</c> (for RabbitMQ, the vhost), or null.</summary>
    public string? Pathname { get; init; }

    /// <summary>What the server is, in a sentence, or null.</summary>
    public string? Description { get; init; }

    /// <summary>
    /// The server a connection URI points at (e.g. <c>amqp://user:secret@rabbit:5672/shop</c>): its scheme as the
    /// protocol, its host and port, and its path as <see cref="Pathname"/>; the user name, password and query are left out.
    /// </summary>
    public static AsyncApiServer FromUri(string name, Uri uri, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!uri.IsAbsoluteUri)
        {
            throw new ArgumentException($"'{uri}' is not an absolute URI.", nameof(uri));
        }

        var path = uri.AbsolutePath;
        return new AsyncApiServer(name, uri.IsDefaultPort || uri.Port < 0 ? uri.Host : $"{uri.Host}:{uri.Port}", uri.Scheme)
        {
            Pathname = path is "" or "/" ? null : path,
            Description = description,
        };
    }
}
