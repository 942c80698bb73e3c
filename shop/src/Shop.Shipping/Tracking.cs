using System.Globalization;
using System.Security.Cryptography;

namespace Shop.Shipping;

/// <summary>Shipment ids and tracking numbers, derived from the order id so that every attempt computes the same ones.</summary>
public static class Tracking
{
    /// <summary>The shipment id of <paramref name="orderId"/>'s shipment: <c>shp_</c> and the order id's 32 hex digits.</summary>
    public static string ShipmentId(Guid orderId) => "shp_" + orderId.ToString("N", CultureInfo.InvariantCulture);

    /// <summary>The tracking number of <paramref name="orderId"/>'s shipment: <c>SB</c> and 10 digits.</summary>
    public static string TrackingNumber(Guid orderId)
    {
        var hash = SHA256.HashData(orderId.ToByteArray());
        var number = BitConverter.ToUInt64(hash, 0) % 10_000_000_000UL;
        return "SB" + number.ToString("D10", CultureInfo.InvariantCulture);
    }
}
