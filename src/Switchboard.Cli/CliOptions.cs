using System.CommandLine;

namespace Switchboard.Cli;

/// <summary>The connection and output options, given before or after the command.</summary>
internal sealed class CliOptions
{
    public Option<string?> Sqlite { get; } = new("--sqlite") { Description = "The SQLite file of the embedded default (transport and store in one file)", Recursive = true };

    public Option<string?> RabbitMq { get; } = new("--rabbitmq") { Description = "The broker's AMQP URI, for dead letters (e.g. amqp://admin:secret@127.0.0.1:5672/shop)", Recursive = true };

    public Option<string?> Postgres { get; } = new("--postgres") { Description = "An Npgsql connection string, for the outbox and the audit log of the --schema stores", Recursive = true };

    public Option<string[]> Schema { get; } = new("--schema") { Description = "A PostgreSQL store schema (repeatable: a flow reads them all); default switchboard", Recursive = true, AllowMultipleArgumentsPerToken = true };

    public Option<string?> Console { get; } = new("--console") { Description = "A running application's Switchboard console (e.g. http://127.0.0.1:5080/switchboard): everything through its API", Recursive = true };

    public Option<string?> Token { get; } = new("--token") { Description = "The bearer token the console wants (default: SWITCHBOARD_CONSOLE_TOKEN)", Recursive = true };

    public Option<bool> Json { get; } = new("--json") { Description = "Write JSON instead of tables, for scripts", Recursive = true };

    /// <summary>The connection the options name.</summary>
    /// <exception cref="CliException">None, or an option without its partner.</exception>
    public Connection Read(ParseResult result)
    {
        var sqlite = result.GetValue(Sqlite);
        var rabbitMqText = result.GetValue(RabbitMq);
        var postgres = result.GetValue(Postgres);
        var schemas = result.GetValue(Schema) ?? [];
        if (schemas.Length > 0 && postgres is null)
        {
            throw new CliException("--schema needs --postgres");
        }

        Uri? rabbitMq = null;
        if (rabbitMqText is not null && (!Uri.TryCreate(rabbitMqText, UriKind.Absolute, out rabbitMq) || rabbitMq.Scheme is not ("amqp" or "amqps")))
        {
            throw new CliException($"--rabbitmq '{rabbitMqText}' is not an amqp:// or amqps:// URI");
        }

        var consoleText = result.GetValue(Console);
        Uri? console = null;
        if (consoleText is not null && (!Uri.TryCreate(consoleText, UriKind.Absolute, out console) || console.Scheme is not ("http" or "https")))
        {
            throw new CliException($"--console '{consoleText}' is not an http:// or https:// address");
        }

        if (result.GetValue(Token) is not null && console is null)
        {
            throw new CliException("--token is for --console");
        }

        var token = result.GetValue(Token) ?? Environment.GetEnvironmentVariable("SWITCHBOARD_CONSOLE_TOKEN");

        if (console is not null)
        {
            return sqlite is null && rabbitMq is null && postgres is null
                ? new Connection(null, null, null, [], console, token is { Length: > 0 } ? token : null)
                : throw new CliException("--console reaches everything through the application: give it alone");
        }

        if (sqlite is null && rabbitMq is null && postgres is null)
        {
            throw new CliException("say where: --sqlite FILE, --rabbitmq URI and/or --postgres CONNECTION [--schema NAME ...], or --console URL");
        }

        if (sqlite is not null && (rabbitMq is not null || postgres is not null))
        {
            throw new CliException("--sqlite names the whole embedded default: give it alone, or --rabbitmq and --postgres");
        }

        return new Connection(sqlite, rabbitMq, postgres, schemas.Length > 0 ? schemas.Distinct(StringComparer.Ordinal).ToList() : ["switchboard"]);
    }
}
