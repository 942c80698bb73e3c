using Switchboard.Cli;

return await AdminCli.RunAsync(args, Console.Out, Console.Error).ConfigureAwait(false);
