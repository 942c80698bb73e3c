using System.Collections.Concurrent;
using System.Security.Claims;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Shop.Http;

/// <summary>
/// Mints Shop's development tokens (HS256, issuer and audience <c>shop</c>) with the shop's signing key: for
/// <c>shop token</c>, the demo, the load generator and the tests. A customer's token is reused until half its lifetime
/// has passed.
/// </summary>
public sealed class ShopTokens
{
    private readonly SigningCredentials _credentials;
    private readonly TimeProvider _time;
    private readonly JsonWebTokenHandler _handler = new();
    private readonly ConcurrentDictionary<(string Subject, bool Operator), (string Token, DateTimeOffset RenewAt)> _minted = new();

    /// <summary>Mints with <paramref name="key"/>; tokens live <paramref name="lifetime"/> (default one hour).</summary>
    public ShopTokens(SecurityKey key, TimeSpan? lifetime = null, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        _credentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256);
        Lifetime = lifetime ?? TimeSpan.FromHours(1);
        _time = time ?? TimeProvider.System;
    }

    /// <summary>How long a token is valid.</summary>
    public TimeSpan Lifetime { get; }

    /// <summary>Mints with the key in <paramref name="keyFile"/> (which must exist: <see cref="DevelopmentSigningKey.Load"/>).</summary>
    public static ShopTokens FromKeyFile(string keyFile, TimeSpan? lifetime = null) => new(DevelopmentSigningKey.Load(keyFile), lifetime);

    /// <summary>A token whose subject is <paramref name="customerId"/> (which must follow <see cref="CustomerIds.Rule"/>).</summary>
    public string ForCustomer(string customerId) => Get(customerId, @operator: false);

    /// <summary>An operator's token, subject <paramref name="subject"/>.</summary>
    public string ForOperator(string subject = ShopClaims.Operator) => Get(subject, @operator: true);

    private string Get(string subject, bool @operator)
    {
        if (!CustomerIds.IsValid(subject))
        {
            throw new ArgumentException($"'{subject}' cannot be a token's subject. {CustomerIds.Rule}");
        }

        var now = _time.GetUtcNow();
        if (_minted.TryGetValue((subject, @operator), out var minted) && now < minted.RenewAt)
        {
            return minted.Token;
        }

        var token = Mint(subject, @operator, now);
        _minted[(subject, @operator)] = (token, now + (Lifetime / 2));
        return token;
    }

    private string Mint(string subject, bool @operator, DateTimeOffset now)
    {
        var claims = new List<Claim> { new(ShopClaims.Subject, subject) };
        if (@operator)
        {
            claims.Add(new Claim(ShopClaims.Role, ShopClaims.Operator));
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = ShopClaims.Issuer,
            Audience = ShopClaims.Audience,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = (now + Lifetime).UtcDateTime,
            SigningCredentials = _credentials,
        });
    }
}
