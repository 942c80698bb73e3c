namespace Shop.Order.Api.Validation;

/// <summary>The limits of an order request, and the messages several rules share.</summary>
internal static class OrderLimits
{
    public const int MaxQuantity = 100;
    public const int MaxText = 200;
    public const int MaxIdempotencyKeyLength = 200;

    public const string FieldRequired = "The field is required.";
    public const string TooLong = "At most {1} characters.";
    public const string NoLines = "An order needs at least one line.";
}
