namespace Switchboard.Pipeline;

/// <summary>Resolves a handler from the attempt's scope and calls it. Built from generics: no reflection, no code generation.</summary>
public delegate ValueTask HandlerInvoker(IServiceProvider scope, object message, IMessageContext context, CancellationToken cancellationToken);
