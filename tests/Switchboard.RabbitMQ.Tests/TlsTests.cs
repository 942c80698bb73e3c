using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using global::RabbitMQ.Client.Exceptions;
using Switchboard.Configuration;

namespace Switchboard.RabbitMQ.Tests;

public sealed record TlsPing(string Text);

public sealed class TlsPingLog
{
    public TaskCompletionSource<string> Received { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

public sealed class TlsPingHandler(TlsPingLog log) : IMessageHandler<TlsPing>
{
    public ValueTask HandleAsync(TlsPing message, IMessageContext context, CancellationToken cancellationToken)
    {
        log.Received.TrySetResult(message.Text);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The TLS listener of the test node (scripts/services/rabbitmq.sh): its amqps URI, the throwaway CA its certificate
/// chains to, and a client certificate of that CA. Missing settings fail the tests loudly; they never skip.
/// </summary>
public static class TestTls
{
    public static Uri Uri => new(Required("SWITCHBOARD_RABBITMQ_TLS_URI"));

    public static string CaPath => RequiredFile("SWITCHBOARD_RABBITMQ_CA");

    public static string ClientCertificatePath => RequiredFile("SWITCHBOARD_RABBITMQ_CLIENT_CERT");

    public static string ClientCertificatePassword => Required("SWITCHBOARD_RABBITMQ_CLIENT_CERT_PASSWORD");

    /// <summary>The TLS URI pointing at another vhost, and at another host name for the same listener if given.</summary>
    public static Uri UriFor(string vhost, string? host = null) =>
        new UriBuilder(Uri) { Host = host ?? Uri.Host, Path = "/" + Uri.EscapeDataString(vhost) }.Uri;

    private static string RequiredFile(string name) =>
        File.Exists(Required(name))
            ? Required(name)
            : throw new InvalidOperationException($"{name} names '{Required(name)}', which does not exist: start RabbitMQ again with ./scripts/test.sh.");

    private static string Required(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run the tests with ./scripts/test.sh, which starts RabbitMQ on loopback with a TLS listener and sets it.");
}

/// <summary>The transport over TLS against the test node's TLS listener: trust, server names, client certificates.</summary>
public sealed class TlsTests : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private static readonly Lazy<HttpClient> Management = new(CreateManagementClient);
    private readonly string _vhost = "sb-tls-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<string> _temporaryFiles = [];

    public Task InitializeAsync() => TestBroker.CreateVhostAsync(_vhost);

    public async Task DisposeAsync()
    {
        foreach (var file in _temporaryFiles)
        {
            File.Delete(file);
        }

        await TestBroker.DeleteVhostAsync(_vhost);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("127.0.0.1")] // the certificate names the address too: the default server name is the URI's host
    public async Task A_bus_trusting_the_test_CA_sends_and_receives_over_TLS(string host)
    {
        var connection = await SendAndReceiveAsync(new RabbitMqTls { TrustedCaCertificatePath = TestTls.CaPath }, host);

        Assert.True(connection.GetProperty("ssl").GetBoolean());
        Assert.StartsWith("tlsv1.", connection.GetProperty("ssl_protocol").GetString());
    }

    public static TheoryData<string> Untrusting => ["no Tls setting (system trust store)", "Tls without a CA (system trust store)", "another CA"];

    [Theory]
    [MemberData(nameof(Untrusting))]
    public async Task A_bus_that_does_not_trust_the_test_CA_fails_to_start(string trust)
    {
        RabbitMqTls? tls = trust switch
        {
            "no Tls setting (system trust store)" => null,
            "Tls without a CA (system trust store)" => new RabbitMqTls(),
            _ => new RabbitMqTls { TrustedCaCertificatePath = WriteOtherCa() },
        };

        var failure = await StartFailureAsync(new RabbitMqTransportOptions { Uri = TestTls.UriFor(_vhost), Tls = tls });

        Assert.IsType<BrokerUnreachableException>(failure);
        Assert.Contains(Causes(failure), e => e is AuthenticationException);
    }

    [Fact]
    public async Task A_server_name_the_certificate_does_not_carry_is_refused()
    {
        var failure = await StartFailureAsync(new RabbitMqTransportOptions
        {
            Uri = TestTls.UriFor(_vhost, "127.0.0.1"),
            Tls = new RabbitMqTls { TrustedCaCertificatePath = TestTls.CaPath, ServerName = "wrong.example" },
        });

        Assert.IsType<BrokerUnreachableException>(failure);
        Assert.Contains(Causes(failure), e => e is AuthenticationException);
    }

    [Fact]
    public async Task An_amqp_uri_with_tls_settings_is_refused()
    {
        var failure = await StartFailureAsync(new RabbitMqTransportOptions
        {
            Uri = TestBroker.UriFor(_vhost),
            Tls = new RabbitMqTls { TrustedCaCertificatePath = TestTls.CaPath },
        });

        Assert.IsType<InvalidOperationException>(failure);
        Assert.Contains("amqps://", failure.Message);
    }

    [Fact]
    public async Task A_client_certificate_of_the_CA_is_presented_to_the_broker()
    {
        var connection = await SendAndReceiveAsync(new RabbitMqTls
        {
            TrustedCaCertificatePath = TestTls.CaPath,
            ClientCertificatePath = TestTls.ClientCertificatePath,
            ClientCertificatePassword = TestTls.ClientCertificatePassword,
        });

        Assert.Contains("CN=switchboard-test-client-", connection.GetProperty("peer_cert_subject").GetString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_client_certificate_in_PEM_is_presented_to_the_broker(bool encryptedKey)
    {
        using var pkcs12 = X509CertificateLoader.LoadPkcs12FromFile(TestTls.ClientCertificatePath, TestTls.ClientCertificatePassword, X509KeyStorageFlags.Exportable);
        using var key = pkcs12.GetECDsaPrivateKey() ?? throw new InvalidOperationException("The test client certificate has no EC key.");
        var password = encryptedKey ? "pem-" + Guid.NewGuid().ToString("N") : null;
        var keyPem = password is null
            ? key.ExportPkcs8PrivateKeyPem()
            : key.ExportEncryptedPkcs8PrivateKeyPem(password, new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 100_000));
        var path = TemporaryFile(".pem");
        await File.WriteAllTextAsync(path, pkcs12.ExportCertificatePem() + "\n" + keyPem + "\n");

        var connection = await SendAndReceiveAsync(new RabbitMqTls
        {
            TrustedCaCertificatePath = TestTls.CaPath,
            ClientCertificatePath = path,
            ClientCertificatePassword = password,
        });

        Assert.Contains("CN=switchboard-test-client-", connection.GetProperty("peer_cert_subject").GetString());
    }

    [Fact]
    public async Task A_client_certificate_the_broker_does_not_trust_is_refused()
    {
        // Self-signed: the broker verifies a presented client certificate against its CA.
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=stranger", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], critical: false));
        using var stranger = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var path = TemporaryFile(".p12");
        await File.WriteAllBytesAsync(path, stranger.Export(X509ContentType.Pkcs12, "stranger-password"));

        var failure = await StartFailureAsync(new RabbitMqTransportOptions
        {
            Uri = TestTls.UriFor(_vhost),
            Tls = new RabbitMqTls { TrustedCaCertificatePath = TestTls.CaPath, ClientCertificatePath = path, ClientCertificatePassword = "stranger-password" },
        });

        // The broker ends the TLS session (with TLS 1.3 after the client's side of the handshake): not a refused login.
        Assert.IsType<BrokerUnreachableException>(failure);
        Assert.Contains(Causes(failure), e => e is IOException or AuthenticationException);
        Assert.DoesNotContain(Causes(failure), e => e is AuthenticationFailureException);
    }

    /// <summary>Starts a bus with <paramref name="tls"/>, sends itself a message; returns the broker's view of its connection.</summary>
    private async Task<JsonElement> SendAndReceiveAsync(RabbitMqTls tls, string? host = null)
    {
        var log = new TlsPingLog();
        var connectionName = "sb-tls-test-" + Guid.NewGuid().ToString("N")[..8];
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.Services.AddSingleton(log);
        builder.Services.AddSwitchboard(bus => bus
            .Message<TlsPing>("tests.tls-ping.v1")
            .Endpoint("tls", e => e.Handle<TlsPing, TlsPingHandler>())
            .UseRabbitMq(new RabbitMqTransportOptions { Uri = TestTls.UriFor(_vhost, host), Tls = tls, ConnectionName = connectionName }));
        using var app = builder.Build();
        await app.StartAsync().WaitAsync(TimeSpan.FromSeconds(30));

        var text = "over TLS " + Guid.NewGuid();
        await app.Services.GetRequiredService<IBus>().SendAsync(new TlsPing(text), SendOptions.To("tls"));
        Assert.Equal(text, await log.Received.Task.WaitAsync(TimeSpan.FromSeconds(30)));

        var connection = await ConnectionAsync(connectionName);
        await app.StopAsync();
        return connection;
    }

    /// <summary>The exception the transport's start fails with, within <see cref="StartTimeout"/> (not a timeout).</summary>
    private static async Task<Exception> StartFailureAsync(RabbitMqTransportOptions options)
    {
        await using var transport = new RabbitMqTransport(options with { ConnectionName = "sb-tls-test-failing" });
        var failure = await Record.ExceptionAsync(() => transport.StartAsync().AsTask().WaitAsync(StartTimeout));
        Assert.NotNull(failure);
        Assert.IsNotType<TimeoutException>(failure);
        return failure;
    }

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        yield return exception;
        var inner = exception is AggregateException aggregate ? aggregate.InnerExceptions : exception.InnerException is { } one ? [one] : [];
        foreach (var cause in inner.SelectMany(Causes))
        {
            yield return cause;
        }
    }

    /// <summary>The connection named <paramref name="connectionName"/> as the management API shows it (it lists a new one within seconds).</summary>
    private async Task<JsonElement> ConnectionAsync(string connectionName)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var json = await Management.Value.GetStringAsync($"api/vhosts/{Uri.EscapeDataString(_vhost)}/connections");
            foreach (var connection in JsonDocument.Parse(json).RootElement.EnumerateArray())
            {
                if (connection.TryGetProperty("client_properties", out var properties)
                    && properties.TryGetProperty("connection_name", out var name)
                    && name.GetString() == connectionName)
                {
                    return connection.Clone();
                }
            }

            Assert.True(DateTime.UtcNow < deadline, $"The management API does not list the connection {connectionName}.");
            await Task.Delay(250);
        }
    }

    /// <summary>A CA of its own (PEM) that never issued the broker's certificate.</summary>
    private string WriteOtherCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Some other CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(certificateAuthority: true, hasPathLengthConstraint: false, pathLengthConstraint: 0, critical: true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, critical: true));
        using var ca = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(1));
        var path = TemporaryFile(".pem");
        File.WriteAllText(path, ca.ExportCertificatePem() + "\n");
        return path;
    }

    private string TemporaryFile(string extension)
    {
        var path = Path.Combine(Path.GetTempPath(), "sb-tls-test-" + Guid.NewGuid().ToString("N") + extension);
        _temporaryFiles.Add(path);
        return path;
    }

    private static HttpClient CreateManagementClient()
    {
        var management = new Uri(Environment.GetEnvironmentVariable("SWITCHBOARD_RABBITMQ_MANAGEMENT") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("SWITCHBOARD_RABBITMQ_MANAGEMENT is not set: run the tests with ./scripts/test.sh, which starts RabbitMQ on loopback and sets it."));
        var client = new HttpClient { BaseAddress = new UriBuilder(management) { UserName = "", Password = "", Path = "/" }.Uri };
        var credentials = Uri.UnescapeDataString(management.UserInfo);
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        return client;
    }
}

/// <summary>How the options become the client's TLS settings (no broker).</summary>
public sealed class TlsConnectionFactoryTests
{
    [Fact]
    public void An_amqps_uri_alone_verifies_the_chain_and_the_name_against_the_system_trust_store()
    {
        var factory = RabbitMqTransport.CreateConnectionFactory(new RabbitMqTransportOptions { Uri = new Uri("amqps://u:p@rabbit.example/shop") });

        Assert.True(factory.Ssl.Enabled);
        Assert.Equal("rabbit.example", factory.Ssl.ServerName);
        Assert.Equal(5671, factory.Port);
        // The client's own default for amqps URIs accepts RemoteCertificateNameMismatch.
        Assert.Equal(SslPolicyErrors.None, factory.Ssl.AcceptablePolicyErrors);
        Assert.Null(factory.Ssl.CertificateValidationCallback);
        Assert.Null(factory.Ssl.Certs);
    }

    [Fact]
    public void An_amqp_uri_uses_no_TLS()
    {
        var factory = RabbitMqTransport.CreateConnectionFactory(new RabbitMqTransportOptions { Uri = new Uri("amqp://u:p@rabbit.example/shop") });

        Assert.False(factory.Ssl.Enabled);
    }

    [Fact]
    public void The_settings_reach_the_client()
    {
        var factory = RabbitMqTransport.CreateConnectionFactory(new RabbitMqTransportOptions
        {
            Uri = new Uri("amqps://u:p@10.0.0.7:5999/shop"),
            Tls = new RabbitMqTls { ServerName = "rabbit.internal", Protocols = SslProtocols.Tls13 },
        });

        Assert.Equal("rabbit.internal", factory.Ssl.ServerName);
        Assert.Equal(SslProtocols.Tls13, factory.Ssl.Version);
        Assert.Equal(5999, factory.Port);
        Assert.Equal(SslPolicyErrors.None, factory.Ssl.AcceptablePolicyErrors);
    }

    [Fact]
    public void A_missing_CA_file_is_reported_with_its_path()
    {
        var path = Path.Combine(Path.GetTempPath(), "sb-no-such-ca-" + Guid.NewGuid().ToString("N") + ".pem");

        var failure = Assert.Throws<InvalidOperationException>(() => RabbitMqTransport.CreateConnectionFactory(new RabbitMqTransportOptions
        {
            Uri = new Uri("amqps://u:p@rabbit.example/shop"),
            Tls = new RabbitMqTls { TrustedCaCertificatePath = path },
        }));

        Assert.Contains(path, failure.Message);
    }
}
