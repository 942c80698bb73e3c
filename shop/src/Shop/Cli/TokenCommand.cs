using System.CommandLine;
using Shop.Http;

namespace Shop.Cli;

/// <summary><c>shop token</c>: prints a development token for curl and other clients of a running shop.</summary>
internal static class TokenCommand
{
    private const int MaxLifetimeMinutes = 7 * 24 * 60;

    public static Command Create()
    {
        var customer = new Option<string?>("--customer") { Description = "The customer the token speaks for (its subject). " + CustomerIds.Rule };
        var @operator = new Option<bool>("--operator") { Description = "Give the token the operator role (its subject: --customer, else operator)" };
        var lifetime = new Option<int>("--lifetime") { Description = "Minutes the token is valid (1 to 10080, a week)", DefaultValueFactory = _ => 60, CustomParser = CliOptions.Whole(1, MaxLifetimeMinutes, $"1 to {MaxLifetimeMinutes} minutes (a week): a development token is for one machine and a short while") };
        var data = CliOptions.Data();
        var signingKeyFile = CliOptions.SigningKeyFile();
        var token = new Command("token", "Prints a bearer token signed with the shop's development key (the key of --data, which shop run creates, or --signing-key-file): curl -H \"Authorization: Bearer $(shop token --customer alice)\" ...")
        {
            customer, @operator, lifetime, data, signingKeyFile,
        };
        customer.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } subject && !CustomerIds.IsValid(subject))
            {
                result.AddError($"--customer '{subject}': {CustomerIds.Rule}");
            }
        });
        token.SetAction(result =>
        {
            var subject = result.GetValue(customer);
            if (subject is null && !result.GetValue(@operator))
            {
                return Usage.Refuse("shop token needs --customer ID, --operator, or both.");
            }

            ShopTokens tokens;
            try
            {
                tokens = ShopTokens.FromKeyFile(CliOptions.KeyFile(result, data, signingKeyFile), TimeSpan.FromMinutes(result.GetValue(lifetime)));
            }
            catch (ArgumentException exception)
            {
                return Usage.Refuse(exception.Message);
            }

            Console.Out.WriteLine(result.GetValue(@operator) ? tokens.ForOperator(subject ?? ShopClaims.Operator) : tokens.ForCustomer(subject!));
            return 0;
        });
        return token;
    }
}
