using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using global::RabbitMQ.Client;

namespace Switchboard.RabbitMQ;

/// <summary>
/// TLS settings of the connection to the broker (<see cref="RabbitMqTransportOptions.Tls"/>); they need an
/// <c>amqps://</c> URI. The server's certificate is always verified, chain and name: there is no way to accept a
/// certificate that does not verify.
/// </summary>
public sealed record RabbitMqTls
{
    /// <summary>
    /// The name the server's certificate must carry (a DNS name or an IP address in its subject alternative names).
    /// Default: the host of the URI. Set it when connecting through an address the certificate does not name.
    /// </summary>
    public string? ServerName { get; init; }

    /// <summary>
    /// A PEM file with the certificate(s) of the CA that issues the broker's certificate (a private CA). When set,
    /// the server's certificate must chain to one of them; the operating system's trust store is not consulted.
    /// Default: the operating system's trust store.
    /// </summary>
    public string? TrustedCaCertificatePath { get; init; }

    /// <summary>
    /// A client certificate with its private key, for brokers that verify clients (mutual TLS): a PKCS#12 file
    /// (<c>.pfx</c>/<c>.p12</c>) or a PEM file holding the certificate and the key. Default: none.
    /// </summary>
    public string? ClientCertificatePath { get; init; }

    /// <summary>The password of <see cref="ClientCertificatePath"/> (of the PKCS#12 file, or of an encrypted PEM key).</summary>
    public string? ClientCertificatePassword { get; init; }

    /// <summary>The TLS versions allowed. Default <see cref="SslProtocols.None"/>: the operating system's choice.</summary>
    public SslProtocols Protocols { get; init; } = SslProtocols.None;

    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    /// <summary>
    /// The TLS options of a connection to an <c>amqps://</c> <paramref name="uri"/>. Unlike the client's own
    /// defaults for such a URI, a certificate that does not name the server is refused.
    /// </summary>
    internal static SslOption CreateSslOption(Uri uri, RabbitMqTls? tls)
    {
        var option = new SslOption
        {
            Enabled = true,
            // IdnHost: an IPv6 literal without its brackets, an internationalized name in its DNS form.
            ServerName = tls?.ServerName is { Length: > 0 } serverName ? serverName : uri.IdnHost,
            Version = tls?.Protocols ?? SslProtocols.None,
            AcceptablePolicyErrors = SslPolicyErrors.None,
        };
        if (tls?.TrustedCaCertificatePath is { Length: > 0 } caPath)
        {
            option.CertificateValidationCallback = ChainsTo(LoadCaCertificates(caPath));
        }

        if (tls?.ClientCertificatePath is { Length: > 0 } certificatePath)
        {
            option.Certs = new X509CertificateCollection { LoadClientCertificate(certificatePath, tls.ClientCertificatePassword) };
        }

        return option;
    }

    /// <summary>
    /// Accepts the server's certificate when it names the server (as the TLS stack checked it) and chains to one of
    /// <paramref name="roots"/> alone, for server authentication; the operating system's trust store plays no part.
    /// </summary>
    private static RemoteCertificateValidationCallback ChainsTo(X509Certificate2Collection roots) =>
        (_, certificate, presented, errors) =>
        {
            // Chain errors are expected (the private CA is not trusted by the system); any other error is final.
            if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ServerAuthentication));
            if (presented is not null)
            {
                // Intermediate certificates the server sent; anchors come from the custom trust store only.
                chain.ChainPolicy.ExtraStore.AddRange(presented.ChainPolicy.ExtraStore);
                foreach (var element in presented.ChainElements)
                {
                    chain.ChainPolicy.ExtraStore.Add(element.Certificate);
                }
            }

            var leaf = certificate as X509Certificate2 ?? X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
            try
            {
                return chain.Build(leaf);
            }
            finally
            {
                if (!ReferenceEquals(leaf, certificate))
                {
                    leaf.Dispose();
                }
            }
        };

    private static X509Certificate2Collection LoadCaCertificates(string path)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPemFile(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new InvalidOperationException($"TLS: cannot read the trusted CA certificates from '{path}': {e.Message}", e);
        }

        return certificates.Count > 0
            ? certificates
            : throw new InvalidOperationException($"TLS: '{path}' holds no PEM certificate (TrustedCaCertificatePath).");
    }

    private static X509Certificate2 LoadClientCertificate(string path, string? password)
    {
        X509Certificate2 certificate;
        try
        {
            if (IsPem(path))
            {
                using var pem = password is null
                    ? X509Certificate2.CreateFromPemFile(path)
                    : X509Certificate2.CreateFromEncryptedPemFile(path, password);
                // Through PKCS#12: a key the TLS stack can use on every platform (Windows refuses ephemeral keys).
                certificate = X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
            }
            else
            {
                certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException or ArgumentException)
        {
            throw new InvalidOperationException($"TLS: cannot load the client certificate from '{path}': {e.Message}", e);
        }

        if (!certificate.HasPrivateKey)
        {
            certificate.Dispose();
            throw new InvalidOperationException($"TLS: the client certificate in '{path}' comes without its private key.");
        }

        return certificate;
    }

    /// <summary>PKCS#12 is DER (an ASN.1 sequence, byte 0x30); anything else is read as PEM.</summary>
    private static bool IsPem(string path)
    {
        using var file = File.OpenRead(path);
        return file.ReadByte() != 0x30;
    }
}
