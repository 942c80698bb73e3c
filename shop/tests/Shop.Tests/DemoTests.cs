namespace Shop.Tests;

/// <summary>
/// The README's main job, end to end: all six services in one process on a fresh SQLite file, orders through the real
/// HTTP API with declined cards, transient card failures, a SKU running out and repeated idempotency keys; the demo
/// exits 0 only when every order is terminal and every invariant holds.
/// </summary>
public sealed class DemoTests : IDisposable
{
    private readonly DirectoryInfo _data = Directory.CreateTempSubdirectory("shop-demo-test-");

    [Fact]
    public async Task The_demo_finishes_every_order_and_the_invariants_hold()
    {
        var exitCode = await DemoHost.RunAsync(400, _data.FullName, CancellationToken.None);

        Assert.Equal(0, exitCode);
    }

    public void Dispose() => _data.Delete(recursive: true);
}
