namespace Switchboard.Messages;

/// <summary>
/// What the bus's upcasters must satisfy, checked when the bus is built: a mistake fails at start-up with a message
/// that names it, instead of dead-lettering the first old message that arrives.
/// </summary>
internal static class UpcastRules
{
    /// <summary>
    /// Throws <see cref="InvalidOperationException"/> when an old name is both registered and read otherwise, when an
    /// old type is registered under another name, when upcasting leads to no registered type, or when the upcasters
    /// form a loop.
    /// </summary>
    public static void ThrowIfBroken(Upcasters upcasters, MessageTypeRegistry registry)
    {
        foreach (var oldName in upcasters.OldNames)
        {
            var registered = registry.RegisteredType(oldName);
            if (upcasters.TypedSource(oldName) is { } oldType)
            {
                // Registering the old type too is how its producers and its own handlers go on working; under its old name only.
                if (registered is not null && registered != oldType)
                {
                    throw new InvalidOperationException($"'{oldName}' is registered for {registered.Name} and upcast from {oldType.Name}: a registered name is read as its registered type.");
                }

                if (registry.TryGetName(oldType, out var name) && name != oldName)
                {
                    throw new InvalidOperationException($"{oldType.Name} is registered as '{name}' and upcast from '{oldName}': an old type is read under one name.");
                }
            }
            else if (registered is not null)
            {
                throw new InvalidOperationException(
                    $"'{oldName}' is registered for {registered.Name} and upcast as JSON: a registered name is read as its type. "
                    + $"Convert it with Upcast<{registered.Name}, …>(\"{oldName}\", …), or remove its registration.");
            }

            var (names, types) = upcasters.PathOf(oldName, registry.RegisteredType);
            if (types.Count == 0)
            {
                throw new InvalidOperationException($"Upcasting '{oldName}' leads to '{names[^1]}', which is neither registered nor upcast: register the message with Message<T>(\"{names[^1]}\").");
            }

            if (!registry.TryGetName(types[^1], out _))
            {
                throw new InvalidOperationException($"Upcasting '{oldName}' ends with {types[^1].Name}, which is not a registered message type: register it with Message<{types[^1].Name}>(\"a.stable.name.v2\").");
            }
        }
    }
}
