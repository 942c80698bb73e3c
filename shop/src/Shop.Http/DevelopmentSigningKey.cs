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

    // Characters of the key's base64 text.
    private const int Base64Length = (Bytes + 2) / 3 * 4;

    /// <summary>The key in <paramref name="path"/>, created first when the file does not exist (also by several processes at once: one key wins).</summary>
    public static SymmetricSecurityKey LoadOrCreate(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            Create(path);
        }

        // A key that another process has just created may still be being written for a moment: it reads short. The
        // check is on what was read (the file only grows to its full length), not on the file's length afterwards,
        // which the writer may have completed between the read and the check.
        for (var attempt = 1; attempt < 100 && File.ReadAllText(path).Trim().Length < Base64Length; attempt++)
        {
            Thread.Sleep(10);
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

    // Created exclusively (O_EXCL): of processes starting at once exactly one creates the file and writes the key, the
    // others find it there and read that one. (Renaming a finished temporary file into place instead would let a second
    // creator's rename replace a key that the first one's process already uses: rename overwrites.)
    private static void Create(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var file = new FileStream(path, options);
            using var writer = new StreamWriter(file);
            writer.WriteLine(Convert.ToBase64String(RandomNumberGenerator.GetBytes(Bytes)));
            writer.Flush();
            file.Flush(flushToDisk: true);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another process created it meanwhile: use theirs.
        }
    }
}
