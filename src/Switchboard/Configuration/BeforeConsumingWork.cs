namespace Switchboard.Configuration;

/// <summary>Work the application registered with <see cref="Configuration.SwitchboardBuilder.BeforeConsuming"/>, in registration order.</summary>
internal sealed record BeforeConsumingWork(Func<IServiceProvider, CancellationToken, Task> Run);
