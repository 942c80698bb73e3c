using Switchboard.Configuration;
using Switchboard.Messages;
using Switchboard.Conformance;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ.Tests.Conformance;

/// <summary>
/// A fresh vhost per test, removed afterwards; every bus of the test connects to it. Raw (bad-input) messages come
/// from <see cref="ForeignPublisher"/>, a plain RabbitMQ.Client publish.
/// </summary>
public sealed class RabbitMqTransportFactory : ITransportFactory
{
    public async ValueTask<ITransportScope> CreateScopeAsync(CancellationToken cancellationToken = default)
    {
        var vhost = "sb-test-" + Guid.NewGuid().ToString("N")[..12];
        await TestBroker.CreateVhostAsync(vhost);
        return new Scope(vhost);
    }

    private sealed class Scope(string vhost) : ITransportScope
    {
        private RabbitMqTransportOptions Options => new() { Uri = TestBroker.UriFor(vhost), Heartbeat = TimeSpan.FromSeconds(5) };

        public void UseTransport(SwitchboardBuilder builder) => builder.UseRabbitMq(Options);

        public ITransport CreateTransport() => new RabbitMqTransport(Options);

        public ValueTask SendRawAsync(string queue, Envelope envelope, CancellationToken cancellationToken = default) =>
            ForeignPublisher.PublishAsync(TestBroker.UriFor(vhost), queue, envelope, cancellationToken);

        public async ValueTask DisposeAsync() => await TestBroker.DeleteVhostAsync(vhost);
    }
}
