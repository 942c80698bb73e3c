using System.Net;
using Microsoft.AspNetCore.Builder;
using Shop.Http;
using Shop.Tests;

namespace Shop.EndToEnd.Tests;

/// <summary>With an identity provider configured, the shop accepts its tokens, and no development key is made or accepted.</summary>
public sealed class IdentityProviderTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("shop-idp-");

    [Fact]
    public async Task The_providers_tokens_are_accepted_with_its_roles_and_development_tokens_are_not()
    {
        await using var provider = await FakeIdentityProvider.StartAsync();
        await using var shop = ShopHost.Build(new ShopHostOptions
        {
            DataDirectory = _data.FullName,
            Url = "http://127.0.0.1:0",
            Services = ["order"],
            Authentication = new ShopAuthenticationOptions { Authority = provider.Authority, Audience = "shop-api", RoleClaim = "roles" },
        });
        await shop.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(shop.Urls.Single()) };
        var developmentTokens = new ShopTokens(DevelopmentSigningKey.LoadOrCreate(Path.Combine(_data.FullName, "elsewhere", DevelopmentSigningKey.FileName)));

        Assert.False(File.Exists(Path.Combine(_data.FullName, DevelopmentSigningKey.FileName)));
        Assert.Equal(HttpStatusCode.OK, await Bearer.StatusAsync(http, "/orders", provider.Token("alice", "shop-api")));
        Assert.Equal(HttpStatusCode.Forbidden, await Bearer.StatusAsync(http, "/health/details", provider.Token("alice", "shop-api")));
        Assert.Equal(HttpStatusCode.OK, await Bearer.StatusAsync(http, "/health/details", provider.Token("ops-1", "shop-api", "operator")));
        Assert.Equal(HttpStatusCode.Unauthorized, await Bearer.StatusAsync(http, "/orders", provider.Token("alice", "another-api")));
        Assert.Equal(HttpStatusCode.Unauthorized, await Bearer.StatusAsync(http, "/health/details", developmentTokens.ForOperator()));
        await shop.StopAsync();
    }

    public void Dispose() => _data.Delete(recursive: true);
}
