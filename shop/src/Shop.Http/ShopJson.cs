using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shop.Http;

/// <summary>How the APIs read request bodies.</summary>
public static class ShopJson
{
    /// <summary>
    /// Makes <paramref name="options"/> (the web defaults: camelCase, case-insensitive names) strict for reading: a
    /// number must be a JSON number (<c>"5"</c> is refused, unlike <see cref="JsonSerializerOptions.Web"/>), and a
    /// property may not appear twice (which of two <c>customerId</c>s would count is exactly what a client should not
    /// have to guess). <c>AddShopHttp</c> applies it to the options the framework binds request bodies with; what the
    /// APIs write is unchanged.
    /// </summary>
    public static void MakeStrict(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.NumberHandling = JsonNumberHandling.Strict;
        options.AllowDuplicateProperties = false;
    }
}
