using System.CommandLine;

namespace Shop.Cli;

/// <summary><c>shop broker-users</c>: Shop's topology and one least-privilege RabbitMQ user per service.</summary>
internal static class BrokerUsersCommand
{
    public static Command Create()
    {
        var services = new Option<string[]>("--services") { Description = "Comma-separated services to create users for (default: all): " + string.Join(", ", ShopServices.Names), DefaultValueFactory = _ => [.. ShopServices.Names], CustomParser = RunCommand.Services };
        var amqp = new Option<Uri>("--amqp") { Description = "The AMQP address the services connect to, with the vhost as its path (e.g. amqp://rabbit:5672/shop); credentials in it are ignored", Required = true, CustomParser = CliOptions.AmqpUrl };
        var usersDirectory = new Option<string>("--out") { Description = "Directory for the services' AMQP URIs, one owner-only file each ({service}.env)", DefaultValueFactory = _ => "broker-users" };
        var userPrefix = new Option<string>("--user-prefix") { Description = "User names are this followed by the service's name", DefaultValueFactory = _ => "shop-" };
        var command = new Command("broker-users", "As a RabbitMQ administrator (management API URI with credentials in $SWITCHBOARD_RABBITMQ_MANAGEMENT), declares Shop's topology and creates or updates one least-privilege user per service with a new random password; writes each service's AMQP URI to an owner-only file.")
        {
            services, amqp, usersDirectory, userPrefix,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            // The administrator's password only from the environment: a command line is visible to every user of the machine.
            if (Environment.GetEnvironmentVariable("SWITCHBOARD_RABBITMQ_MANAGEMENT") is not { Length: > 0 } management || !Uri.TryCreate(management, UriKind.Absolute, out var managementUri))
            {
                return Usage.Refuse("set SWITCHBOARD_RABBITMQ_MANAGEMENT to the management API's URI with an administrator's credentials (http://admin:secret@rabbit:15672/).");
            }

            return await new BrokerUsers(managementUri, result.GetRequiredValue(amqp), result.GetRequiredValue(usersDirectory), result.GetRequiredValue(userPrefix), result.GetRequiredValue(services), Console.Out)
                .RunAsync(cancellationToken);
        });
        return command;
    }
}
