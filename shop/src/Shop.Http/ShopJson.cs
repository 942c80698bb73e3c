using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shop.Http;

/// <summary>How the APIs read request bodies.</summary>
public static class ShopJson
{
    /// <summary>
    /// The web defaults (camelCase, case-insensitive names) made strict: a number must be a JSON number (<c>"5"</c> is
    /// refused, unlike <see cref="JsonSerializerOptions.Web"/>), and a property may not appear twice (which of two
    /// <c>customerId</c>s would count is exactly what a client should not have to guess).
    /// </summary>
    public static JsonSerializerOptions Requests { get; } = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.Strict,
        AllowDuplicateProperties = false,
    };
}
