using System.Text.Json;
using Switchboard.EventSourcing;
using Switchboard.Sqlite;
using Switchboard.Sqlite.Events;

namespace Switchboard.Cli.Tests;

/// <summary><c>projections status</c> on a SQLite file: a checkpoint, the store's end, the lag, and a name with no checkpoint.</summary>
public sealed class ProjectionStatusTests : IAsyncLifetime
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "switchboard-cli-" + Guid.NewGuid().ToString("N"), "app.db");
    private long _end;

    public async Task InitializeAsync()
    {
        await using var store = new SqliteEventStore(new SqliteTransportOptions { Path = _path });
        await store.InitializeAsync();
        var first = await store.AppendAsync("tally-1", ExpectedVersion.NoStream, [Event()]);
        _end = (await store.AppendAsync("tally-1", ExpectedVersion.Exact(1), [Event(), Event()])).Position;
        await store.SaveCheckpointAsync("tally", first.Position);
    }

    public Task DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(Path.GetDirectoryName(_path)!, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_projection_is_shown_behind_by_the_events_after_its_checkpoint_and_an_unknown_name_fails()
    {
        var (exitCode, output, error) = await Cli.RunAsync("projections", "status", "tally", "--sqlite", _path, "--json");
        Assert.True(exitCode == 0, error);
        var tally = Assert.Single(JsonSerializer.Deserialize<JsonElement>(output).GetProperty("projections").EnumerateArray());
        Assert.Equal(_end, tally.GetProperty("end").GetInt64());
        Assert.Equal(2, tally.GetProperty("lag").GetInt64());

        var (unknown, table, missing) = await Cli.RunAsync("projections", "status", "tally", "no-such-projection", "--sqlite", _path);
        Assert.Equal(AdminCli.Failed, unknown);
        Assert.Contains("no-such-projection", table, StringComparison.Ordinal);
        Assert.Contains("no checkpoint 'no-such-projection'", missing, StringComparison.Ordinal);
    }

    private static EventData Event() => new(Guid.NewGuid().ToString(), "tally.counted", "{}"u8.ToArray(), new EventMetadata());
}
