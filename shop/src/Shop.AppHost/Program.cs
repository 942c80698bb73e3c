using System.CommandLine;
using System.CommandLine.Invocation;
using Shop.AppHost;

// The distributed Shop in one command (scripts/distributed.sh starts RabbitMQ and PostgreSQL, then this): see docs/scale-out.md.
var root = AppHostCommand.Create();
var parsed = root.Parse(args);
if (parsed.Action is ParseErrorAction)
{
    Console.Error.WriteLine("shop-apphost: " + string.Join(" ", parsed.Errors.Select(e => e.Message)));
    return 2;
}

return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });
