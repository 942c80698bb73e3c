using Switchboard.Configuration;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Conformance;

/// <summary>
/// What a transport provides to run the conformance suites: a fresh, isolated broker namespace per test
/// (a new in-memory network, a new vhost, a new database file), to which several buses can connect.
/// </summary>
public interface ITransportFactory
{
    /// <summary>Creates an isolated namespace for one test.</summary>
    ValueTask<ITransportScope> CreateScopeAsync(CancellationToken cancellationToken = default);
}

/// <summary>One test's broker namespace.</summary>
public interface ITransportScope : IAsyncDisposable
{
    /// <summary>Points a bus at this namespace (e.g. <c>builder.UseInMemory(network)</c>).</summary>
    void UseTransport(SwitchboardBuilder builder);

    /// <summary>A raw transport connected to this namespace, for tests below the bus. The caller disposes it.</summary>
    ITransport CreateTransport();

    /// <summary>
    /// Puts <paramref name="envelope"/> into <paramref name="queue"/> as a producer outside the framework would, for
    /// the bad-input suites; a message id that is null or empty is left out where the wire can say "none". By default
    /// through <see cref="CreateTransport"/>; a transport with clients of its own (RabbitMQ) publishes with one of those.
    /// </summary>
    async ValueTask SendRawAsync(string queue, Envelope envelope, CancellationToken cancellationToken = default)
    {
        var transport = CreateTransport();
        await using (transport.ConfigureAwait(false))
        {
            await transport.StartAsync(cancellationToken).ConfigureAwait(false);
            await transport.SendAsync(queue, envelope, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}
