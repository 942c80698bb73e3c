using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Shop.Http;

/// <summary>
/// The symmetric key that signs Shop's development tokens: 256 random bits generated once into a file readable by its
/// owner only, never a constant in the code, never logged. Several processes of one shop name the same file.
/// </summary>
public static class DevelopmentSigningKey
{
    /// <summary>The key file's name in a data directory.</summary>
    public const string FileName = "jwt-signing.key";

    private const int Bytes = 32;

    /// <summary>The key in <paramref name="path"/>, created first when the file does not exist (also by several processes at once: one key wins).</summary>
    public static SymmetricSecurityKey LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            Create(path);
        }

        return Load(path);
    }

    /// <summary>The key in <paramref name="path"/>; <see cref="ArgumentException"/> naming the file when it is missing, malformed or readable by others.</summary>
    public static SymmetricSecurityKey Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new ArgumentException($"No signing key at {path}: start the shop with this data directory (it creates the key), or name the shop's key with --signing-key-file.");
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.GroupRead | UnixFileMode.OtherRead | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite)) != 0)
        {
            throw new ArgumentException($"The signing key {path} can be read or written by other users: make it readable by its owner only (chmod 600).");
        }

        byte[] key;
        try
        {
            key = Convert.FromBase64String(File.ReadAllText(path).Trim());
        }
        catch (FormatException)
        {
            throw new ArgumentException($"The signing key {path} is not base64.");
        }

        return key.Length >= Bytes
            ? new SymmetricSecurityKey(key)
            : throw new ArgumentException($"The signing key {path} has {key.Length * 8} bits; it needs at least {Bytes * 8}.");
    }

    // Written to a file of its own, then linked into place only if no other process got there first: a reader never
    // sees a half-written key, and concurrent starters all end up with the one that won.
    private static void Create(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using (var file = new FileStream(temporary, options))
            using (var writer = new StreamWriter(file))
            {
                writer.WriteLine(Convert.ToBase64String(RandomNumberGenerator.GetBytes(Bytes)));
                writer.Flush();
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it meanwhile: use theirs.
        }
        finally
        {
            File.Delete(temporary);
        }
    }
}
