using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Shop.EndToEnd.Tests;

/// <summary>
/// An identity provider on loopback as far as a resource server sees one: OpenID Connect discovery metadata, its RSA
/// signing key as a JWKS, and tokens it signs (RS256) for an audience.
/// </summary>
internal sealed class FakeIdentityProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly RsaSecurityKey _key;

    private FakeIdentityProvider(WebApplication app, Uri authority, RsaSecurityKey key)
    {
        _app = app;
        Authority = authority;
        _key = key;
    }

    public Uri Authority { get; }

    public static async Task<FakeIdentityProvider> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var key = new RsaSecurityKey(RSA.Create(2048)) { KeyId = "fake-idp-1" };

        // The issuer is this server's own address, known once it listens: read from each request.
        static string Issuer(HttpRequest request) => $"{request.Scheme}://{request.Host}/";
        app.MapGet("/.well-known/openid-configuration", (HttpRequest request) => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer(request),
            ["jwks_uri"] = Issuer(request) + "jwks",
        }));
        app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(key);
            return Results.Json(new { keys = new[] { new { kty = jwk.Kty, kid = jwk.Kid, use = "sig", alg = "RS256", n = jwk.N, e = jwk.E } } });
        });
        await app.StartAsync();
        var provider = new FakeIdentityProvider(app, new Uri(app.Urls.Single() + "/"), key);
        return provider;
    }

    /// <summary>A token for <paramref name="subject"/> with <paramref name="roles"/> in the claim <c>roles</c>.</summary>
    public string Token(string subject, string audience, params string[] roles)
    {
        var claims = new List<Claim> { new("sub", subject) };
        claims.AddRange(roles.Select(r => new Claim("roles", r)));
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority.ToString(),
            Audience = audience,
            Subject = new ClaimsIdentity(claims),
            Expires = DateTime.UtcNow.AddMinutes(10),
            SigningCredentials = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256),
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _key.Rsa.Dispose();
    }
}
