using Shop.Http;

namespace Shop.Tests;

/// <summary>The development signing key: random per file, owner-only, one key however many processes create it at once.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class DevelopmentSigningKeyTests : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("shop-key-test-");

    [Fact]
    public void A_new_key_is_256_random_bits_in_a_file_only_its_owner_can_read()
    {
        var first = DevelopmentSigningKey.LoadOrCreate(Path.Combine(_directory.FullName, "a", DevelopmentSigningKey.FileName));
        var second = DevelopmentSigningKey.LoadOrCreate(Path.Combine(_directory.FullName, "b", DevelopmentSigningKey.FileName));

        Assert.Equal(32, first.Key.Length);
        Assert.NotEqual(first.Key, second.Key);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_directory.FullName, "a", DevelopmentSigningKey.FileName)));
        Assert.Equal(first.Key, DevelopmentSigningKey.Load(Path.Combine(_directory.FullName, "a", DevelopmentSigningKey.FileName)).Key);
    }

    [Fact]
    public async Task Processes_creating_the_key_at_once_all_get_the_same_one()
    {
        // Rounds of 16 creators at once, each round on a directory of its own: a race shows in some round, not every one.
        for (var round = 0; round < 25; round++)
        {
            var directory = _directory.CreateSubdirectory($"round-{round}");
            var path = Path.Combine(directory.FullName, DevelopmentSigningKey.FileName);
            using var go = new ManualResetEventSlim();
            var creators = Enumerable.Range(0, 16).Select(_ => Task.Run(() =>
            {
                go.Wait();
                return DevelopmentSigningKey.LoadOrCreate(path).Key;
            })).ToList();
            go.Set();
            var keys = await Task.WhenAll(creators);

            Assert.Single(keys.Select(Convert.ToBase64String).Distinct());
            Assert.Equal(Convert.ToBase64String(keys[0]), Convert.ToBase64String(DevelopmentSigningKey.Load(path).Key));
            Assert.Equal([DevelopmentSigningKey.FileName], directory.GetFiles().Select(f => f.Name));
        }
    }

    [Fact]
    public void A_key_others_can_read_a_missing_key_and_a_short_key_are_refused_with_the_reason()
    {
        var path = Path.Combine(_directory.FullName, DevelopmentSigningKey.FileName);
        DevelopmentSigningKey.LoadOrCreate(path);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        Assert.Contains("chmod 600", Assert.Throws<ArgumentException>(() => DevelopmentSigningKey.Load(path)).Message, StringComparison.Ordinal);

        Assert.Contains("No signing key", Assert.Throws<ArgumentException>(() => DevelopmentSigningKey.Load(path + ".missing")).Message, StringComparison.Ordinal);

        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.WriteAllText(path, Convert.ToBase64String(new byte[16]));
        Assert.Contains("at least 256", Assert.Throws<ArgumentException>(() => DevelopmentSigningKey.Load(path)).Message, StringComparison.Ordinal);
    }

    public void Dispose() => _directory.Delete(recursive: true);
}
