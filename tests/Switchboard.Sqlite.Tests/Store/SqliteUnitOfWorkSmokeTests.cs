using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.Persistence;
using Switchboard.Retries;

namespace Switchboard.Sqlite.Tests.Store;

public sealed record Deposit(string Account, long Amount);

public sealed record Deposited(string Account, long Amount);

public sealed class DepositedLog
{
    public ConcurrentQueue<Deposited> Entries { get; } = new();
}

/// <summary>Adds to the account in the unit of work's transaction and announces it; negative amounts fail after writing.</summary>
public sealed class DepositHandler(IUnitOfWork unitOfWork) : IMessageHandler<Deposit>
{
    public async ValueTask HandleAsync(Deposit message, IMessageContext context, CancellationToken cancellationToken)
    {
        var transaction = await unitOfWork.GetDbTransactionAsync(cancellationToken);
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "INSERT INTO accounts (id, value) VALUES (@id, @amount) ON CONFLICT (id) DO UPDATE SET value = value + @amount";
        command.Parameters.Add(new SqliteParameter("@id", message.Account));
        command.Parameters.Add(new SqliteParameter("@amount", message.Amount));
        await command.ExecuteNonQueryAsync(cancellationToken);
        await context.PublishAsync(new Deposited(message.Account, message.Amount), cancellationToken: cancellationToken);
        if (message.Amount < 0)
        {
            throw new InvalidOperationException("negative deposit");
        }
    }
}

public sealed class DepositedHandler(DepositedLog log) : IMessageHandler<Deposited>
{
    public ValueTask HandleAsync(Deposited message, IMessageContext context, CancellationToken cancellationToken)
    {
        log.Entries.Enqueue(message);
        return ValueTask.CompletedTask;
    }
}

public sealed class SqliteUnitOfWorkSmokeTests
{
    [Fact]
    public async Task Handler_changes_and_its_messages_commit_together_or_not_at_all()
    {
        var path = TestDatabase.NewPath();
        using (var connection = new SqliteConnection($"Data Source={path}"))
        {
            connection.Open();
            using var create = connection.CreateCommand();
            create.CommandText = "PRAGMA journal_mode = WAL; CREATE TABLE accounts (id TEXT PRIMARY KEY, value INTEGER NOT NULL)";
            create.ExecuteNonQuery();
        }

        var log = new DepositedLog();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Error);
        builder.Services.AddSingleton(log);
        builder.Services.AddSwitchboard(bus => bus
            .Message<Deposit>("test.deposit.v1").Message<Deposited>("test.deposited.v1")
            .UseSqlite(path).UseSqliteStore()
            .Endpoint("accounts", e => e.Concurrency(8).Transactional().Retry(new RetryPolicy { ImmediateRetries = 0, DelayedRetries = 0 }).Handle<Deposit, DepositHandler>())
            .Endpoint("observer", e => e.Handle<Deposited, DepositedHandler>()));
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var bus = host.Services.GetRequiredService<IBus>();
            await Task.WhenAll(Enumerable.Range(1, 200).Select(i => bus.SendAsync(new Deposit("a" + (i % 5), 1), SendOptions.To("accounts")).AsTask()));
            await bus.SendAsync(new Deposit("a0", -1000), SendOptions.To("accounts"));
            for (var i = 0; i < 3000 && log.Entries.Count < 200; i++)
            {
                await Task.Delay(10);
            }

            await Task.Delay(500);
            Assert.Equal(200, log.Entries.Count);
            Assert.DoesNotContain(log.Entries, e => e.Amount < 0);
            using var connection = new SqliteConnection($"Data Source={path}");
            connection.Open();
            using var sum = connection.CreateCommand();
            sum.CommandText = "SELECT SUM(value), COUNT(*) FROM accounts";
            using var reader = sum.ExecuteReader();
            reader.Read();
            Assert.Equal(200, reader.GetInt64(0));
            Assert.Equal(5, reader.GetInt64(1));
            Assert.Equal(1, await host.Services.GetRequiredService<Switchboard.Transport.IDeadLetterQueue>().CountAsync("accounts"));
        }
        finally
        {
            await host.StopAsync();
            TestDatabase.Delete(path);
        }
    }
}
