using Npgsql;

namespace Shop.Distributed.Tests;

/// <summary>Samples, every 200 ms until stopped, how many server connections the test's database has (the shop processes' pools).</summary>
internal sealed class PeakConnections
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task<int> _sampling;

    public PeakConnections(string database) => _sampling = SampleAsync(database, _stop.Token);

    public async Task<int> StopAsync()
    {
        await _stop.CancelAsync();
        var peak = await _sampling;
        _stop.Dispose();
        return peak;
    }

    private static async Task<int> SampleAsync(string database, CancellationToken cancellationToken)
    {
        var peak = 0;
        await using var connection = new NpgsqlConnection(TestServers.PostgresConnection);
        await connection.OpenAsync(CancellationToken.None);
        await using var command = new NpgsqlCommand("SELECT count(*) FROM pg_stat_activity WHERE datname = $1", connection) { Parameters = { new() { Value = database } } };
        while (!cancellationToken.IsCancellationRequested)
        {
            peak = Math.Max(peak, (int)(long)(await command.ExecuteScalarAsync(CancellationToken.None))!);
            try
            {
                await Task.Delay(200, cancellationToken);
            }
            catch (OperationCanceledException)
            {
            }
        }

        return peak;
    }
}
