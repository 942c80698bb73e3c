using System.Globalization;

namespace Switchboard.EventSourcing.Projections;

/// <summary>How projections name their tables, views and checkpoints.</summary>
internal static class ProjectionNames
{
    public static string Physical(string table, long generation) =>
        string.Create(CultureInfo.InvariantCulture, $"{table}_g{generation}");

    public static string Checkpoint(string projection, long generation) =>
        string.Create(CultureInfo.InvariantCulture, $"projection:{projection}:g{generation}");

    // The generation readers see, kept as a checkpoint value so providers need no table for it.
    public static string Generation(string projection) => $"projection:{projection}:generation";

    // The highest generation a rebuild started, finished or not.
    public static string LastRebuilt(string projection) => $"projection:{projection}:last-rebuilt";

    // Table names go into SQL text, so they are restricted to what needs no quoting anywhere.
    public static void ValidateIdentifier(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Length > 48 || !char.IsAsciiLetterLower(name[0]) || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '_'))
        {
            throw new ArgumentException($"A read-model table name is 1 to 48 lower-case letters, digits or '_', starting with a letter: '{name}'.", nameof(name));
        }
    }
}
