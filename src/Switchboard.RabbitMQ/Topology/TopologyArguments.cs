namespace Switchboard.RabbitMQ.Topology;

/// <summary>
/// Equality of the optional arguments of exchanges and bindings by content: a record compares a dictionary by
/// reference, and <see cref="RabbitMqTopology.Combine"/> must see two descriptions of one object as the same.
/// </summary>
internal static class TopologyArguments
{
    /// <summary>Whether both hold the same names with equal values (none and empty are the same).</summary>
    public static bool Equal(IReadOnlyDictionary<string, object?>? left, IReadOnlyDictionary<string, object?>? right)
    {
        if (ReferenceEquals(left, right))
        {
            return true;
        }

        if ((left?.Count ?? 0) != (right?.Count ?? 0))
        {
            return false;
        }

        if (left is null || right is null)
        {
            // Both empty (the counts are equal).
            return true;
        }

        foreach (var (name, value) in left)
        {
            if (!right.TryGetValue(name, out var other) || !Equals(value, other))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A hash that agrees with <see cref="Equal"/>: independent of the order of the names.</summary>
    public static int Hash(IReadOnlyDictionary<string, object?>? arguments)
    {
        var hash = 0;
        if (arguments is not null)
        {
            foreach (var (name, value) in arguments)
            {
                hash ^= HashCode.Combine(StringComparer.Ordinal.GetHashCode(name), value);
            }
        }

        return hash;
    }

    /// <summary>The form the client's declarations take: null for none.</summary>
    public static IDictionary<string, object?>? ForClient(IReadOnlyDictionary<string, object?>? arguments) =>
        arguments is null || arguments.Count == 0 ? null : arguments.ToDictionary(StringComparer.Ordinal);
}
