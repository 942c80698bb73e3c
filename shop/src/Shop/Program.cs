using System.CommandLine;
using System.CommandLine.Invocation;
using Shop.Cli;

// shop run | demo | load | token | broker-users: see README.md, docs/shop.md and docs/security.md.
var root = new RootCommand("Shop: the e-commerce reference system on Switchboard.")
{
    RunCommand.Create(),
    DemoCommand.Create(),
    LoadCommand.Create(),
    TokenCommand.Create(),
    BrokerUsersCommand.Create(),
};
var parsed = root.Parse(args);
if (parsed.Action is ParseErrorAction)
{
    return Usage.Refuse(string.Join(" ", parsed.Errors.Select(e => e.Message)));
}

return await parsed.InvokeAsync();
