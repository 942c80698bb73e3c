using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.RabbitMQ;
using Switchboard.Conformance.Harness;
using Switchboard.Transport;

namespace Switchboard.Cli.Tests;

/// <summary>
/// The CLI's dead letters on RabbitMQ: a queue's dead-letter queue listed, re-driven and purged over AMQP. Needs the
/// test broker (<c>SWITCHBOARD_RABBITMQ_URI</c>, which scripts/test.sh exports); without it this test fails.
/// </summary>
public sealed class RabbitMqCliTests
{
    private const string Variable = "SWITCHBOARD_RABBITMQ_URI";

    private static string Broker =>
        Environment.GetEnvironmentVariable(Variable) is { Length: > 0 } uri
            ? uri
            : throw new InvalidOperationException($"{Variable} is not set, so the CLI's RabbitMQ test has no broker (scripts/test.sh starts one).");

    [Fact]
    public async Task A_queues_dead_letters_are_listed_redriven_and_purged_over_amqp()
    {
        var queue = "cli-" + Guid.NewGuid().ToString("N");
        await DeadLetterTwoAsync(queue);

        var list = await JsonAsync("dlq", "list", "--queue", queue, "--rabbitmq", Broker);
        Assert.Equal(2, list.GetProperty("count").GetInt64());
        var id = list.GetProperty("deadLetters")[0].GetProperty("id").GetString()!;
        Assert.Equal("card declined", list.GetProperty("deadLetters")[0].GetProperty("exceptionMessage").GetString());

        // Nobody consumes the queue now: the re-driven message waits there, and one dead letter is left.
        Assert.Equal(0, (await Cli.RunAsync("dlq", "redrive", "--queue", queue, id, "--rabbitmq", Broker)).ExitCode);
        Assert.Equal(1, (await JsonAsync("dlq", "list", "--queue", queue, "--rabbitmq", Broker)).GetProperty("count").GetInt64());
        Assert.Equal(AdminCli.UsageError, (await Cli.RunAsync("dlq", "purge", "--queue", queue, "--rabbitmq", Broker)).ExitCode);
        var purged = await JsonAsync("dlq", "purge", "--queue", queue, "--yes", "--rabbitmq", Broker);
        Assert.Equal(1, purged.GetProperty("purged").GetInt32());
    }

    private static async Task DeadLetterTwoAsync(string queue)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.Services.AddSingleton(new MessageRecorder());
        builder.Services.AddSingleton(new ConsumerName("cli"));
        builder.Services.AddSingleton(new HandlerBehavior { Before = (_, _, _) => throw new InvalidOperationException("card declined") });
        builder.Services.AddSwitchboard(bus => bus
            .AddTestMessages()
            .UseRabbitMq(new RabbitMqTransportOptions { Uri = new Uri(Broker) })
            .Endpoint(queue, e => e.Handle<TestCommand, RecordingHandler>().Retry(RetryPolicy.None)));
        using var host = builder.Build();
        await host.StartAsync();
        var bus = host.Services.GetRequiredService<IBus>();
        await bus.SendAsync(queue, new TestCommand(1, "fail"));
        await bus.SendAsync(queue, new TestCommand(2, "fail"));
        var deadLetters = host.Services.GetRequiredService<IDeadLetterQueue>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (await deadLetters.CountAsync(queue) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "the two messages were not dead-lettered");
            await Task.Delay(50);
        }

        await host.StopAsync();
    }

    private static async Task<JsonElement> JsonAsync(params string[] args)
    {
        var (exitCode, output, error) = await Cli.RunAsync([.. args, "--json"]);
        Assert.True(exitCode == 0, $"exit {exitCode}: {error}");
        return JsonSerializer.Deserialize<JsonElement>(output);
    }
}
