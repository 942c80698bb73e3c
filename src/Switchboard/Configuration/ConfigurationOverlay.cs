using Microsoft.Extensions.Configuration;

namespace Switchboard.Configuration;

/// <summary>
/// Binds a configuration section over settings the code already chose: the keys the section has win, the others
/// keep the code's values. A key the settings do not have fails with its full path (a typo must not pass silently).
/// </summary>
internal static class ConfigurationOverlay
{
    /// <summary>
    /// Returns <paramref name="current"/> with the section's values over it. <paramref name="copy"/> makes the copy that
    /// is bound (the binder writes into it, and <paramref name="current"/> may be shared, e.g. a static default).
    /// </summary>
    public static T Apply<T>(T current, IConfigurationSection section, Func<T, T> copy, IReadOnlyCollection<string>? allowedKeys = null)
        where T : class
    {
        if (!section.Exists())
        {
            return current;
        }

        if (allowedKeys is not null)
        {
            var unknown = section.GetChildren().Select(c => c.Key).Where(k => !allowedKeys.Contains(k, StringComparer.OrdinalIgnoreCase)).ToList();
            if (unknown.Count > 0)
            {
                throw Invalid(section, typeof(T), unknown.Select(k => $"{section.Path}:{k} is not a setting here; the settings are {string.Join(", ", allowedKeys)}."));
            }
        }

        var bound = copy(current);
        BindStrictly(bound, section, section.Path);
        return bound;
    }

    /// <summary>
    /// Binds <paramref name="section"/> into <paramref name="target"/>; a key the target does not have, or a value that
    /// does not convert, throws an <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> that names it.
    /// </summary>
    public static void BindStrictly<T>(T target, IConfiguration section, string path)
        where T : class
    {
        try
        {
            section.Bind(target, o => o.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException e)
        {
            // The binder names the full key of a value it cannot convert, but only the property names of unknown keys.
            var failure = path.Length > 0 && !e.Message.Contains(path, StringComparison.Ordinal) ? $"{path}: {e.Message}" : e.Message;
            throw new Microsoft.Extensions.Options.OptionsValidationException(path, typeof(T), [failure]);
        }
    }

    /// <summary>Throws when <paramref name="problems"/> (each naming its key) is not empty.</summary>
    public static void ThrowIfAny(IConfigurationSection section, Type options, IEnumerable<string> problems)
    {
        var list = problems.ToList();
        if (list.Count > 0)
        {
            throw Invalid(section, options, list);
        }
    }

    private static Microsoft.Extensions.Options.OptionsValidationException Invalid(IConfigurationSection section, Type options, IEnumerable<string> failures) =>
        new(section.Path, options, failures);
}
