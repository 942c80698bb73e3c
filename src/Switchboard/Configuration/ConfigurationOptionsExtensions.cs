using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Switchboard.Configuration;

/// <summary>Binds a provider's settings from configuration, checked when the host starts.</summary>
public static class ConfigurationOptionsExtensions
{
    /// <summary>
    /// Registers <typeparamref name="TOptions"/> (the unnamed <see cref="IOptions{TOptions}"/>) bound from
    /// <paramref name="section"/>, and checks it when the host starts (<c>ValidateOnStart</c>): a key the options do
    /// not have, a value that does not convert, and whatever <paramref name="rules"/> finds fail the start with
    /// messages that name the key, e.g. <c>Switchboard:RabbitMq:Heartbeat must be longer than zero (was 00:00:00).</c>
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="section">The section to bind, e.g. <c>configuration.GetSection("Switchboard:RabbitMq")</c>.</param>
    /// <param name="rules">Checks the bound options, reporting each problem to the <see cref="Rules"/> it is given.</param>
    public static OptionsBuilder<TOptions> AddValidatedOptions<TOptions>(this IServiceCollection services, IConfiguration section, Action<TOptions, Rules> rules)
        where TOptions : class
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(rules);
        var path = (section as IConfigurationSection)?.Path ?? "";
        services.AddSingleton<IValidateOptions<TOptions>>(new RulesValidator<TOptions>(path, rules));
        return services.AddOptions<TOptions>()
            .Configure(options => ConfigurationOverlay.BindStrictly(options, section, path))
            .ValidateOnStart();
    }

    private sealed class RulesValidator<TOptions>(string path, Action<TOptions, Rules> rules) : IValidateOptions<TOptions>
        where TOptions : class
    {
        public ValidateOptionsResult Validate(string? name, TOptions options)
        {
            if (name != Options.DefaultName)
            {
                return ValidateOptionsResult.Skip;
            }

            var found = new Rules(path);
            rules(options, found);
            return found.Problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(found.Problems);
        }
    }
}
