using System.Diagnostics;
using Npgsql;
using Switchboard.Benchmarks.Measurement;

namespace Switchboard.Benchmarks.EventStore;

/// <summary>
/// <c>raw-postgresql append</c>: the baseline for single-event appends. What PostgreSQL itself commits per second:
/// as many connections as the <c>append</c> scenario has appends in flight (<c>--consumers</c> × <c>--in-flight</c>), each
/// running autocommit single-row <c>INSERT</c>s of the same payload into a
/// plain table with a <c>bigserial</c> key, with the server's own durability. N rows in all.
/// </summary>
public static class RawPostgreSqlAppend
{
    /// <summary>The system's name.</summary>
    public const string SystemName = "raw-postgresql";

    private static readonly byte[] Payload = """{"orderId":"6f1c1a44-3f57-4d8e-9a55-0b6f0e2f9a11","amount":42.5,"sku":"SKU-0042","quantity":3}"""u8.ToArray();

    /// <summary>Runs the warm-up and the measured run.</summary>
    public static async Task<BenchmarkResult> RunAsync(BenchmarkSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        var connections = settings.Consumers * settings.InFlight;
        log.WriteLine($"# raw-postgresql append: N={settings.Items}, connections={connections}, single-row autocommit inserts");
        var schema = "bench_raw_" + Guid.NewGuid().ToString("N")[..12];
        await using var source = NpgsqlDataSource.Create(settings.Postgres);
        await using (var create = source.CreateCommand($"CREATE SCHEMA {schema}; CREATE TABLE {schema}.rows (id bigserial PRIMARY KEY, stream text NOT NULL, data bytea NOT NULL)"))
        {
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await InsertAsync(source, schema, BenchmarkSettings.WarmUpItems, connections, new LatencyHistogram(), cancellationToken).ConfigureAwait(false);
            var latency = new LatencyHistogram();
            var elapsed = await InsertAsync(source, schema, settings.Items, connections, latency, cancellationToken).ConfigureAwait(false);
            await using var count = source.CreateCommand($"SELECT count(*) FROM {schema}.rows");
            var rows = (long)(await count.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            var correct = rows == BenchmarkSettings.WarmUpItems + settings.Items;
            var rate = settings.Items / elapsed.TotalSeconds;
            log.WriteLine($"# measured: {settings.Items} rows in {elapsed.TotalSeconds:F2} s = {rate:F0} commits/s; table holds {rows}");
            var percentiles = latency.Percentiles();
            return new BenchmarkResult(SystemName, AppendScenario.Name, settings.Items, settings.Consumers, elapsed.TotalSeconds, rate, percentiles.P50Milliseconds, percentiles.P99Milliseconds, correct, settings.Ablations, EventBatch: 1, InFlight: settings.InFlight);
        }
        finally
        {
            await PostgreSqlBenchmarkStore.DropSchemaAsync(settings.Postgres, schema).ConfigureAwait(false);
        }
    }

    private static async Task<TimeSpan> InsertAsync(NpgsqlDataSource source, string schema, int rows, int connections, LatencyHistogram latency, CancellationToken cancellationToken)
    {
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(writer => Task.Run(async () =>
        {
            await using var connection = await source.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var insert = new NpgsqlCommand($"INSERT INTO {schema}.rows (stream, data) VALUES ($1, $2)", connection);
            insert.Parameters.Add(new NpgsqlParameter { Value = $"raw{writer}" });
            insert.Parameters.Add(new NpgsqlParameter { Value = Payload });
            await insert.PrepareAsync(cancellationToken).ConfigureAwait(false);
            while (Interlocked.Increment(ref next) < rows)
            {
                var started = Stopwatch.GetTimestamp();
                await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                latency.Record(Stopwatch.GetTimestamp() - started);
            }
        }, cancellationToken))).ConfigureAwait(false);
        return clock.Elapsed;
    }
}
