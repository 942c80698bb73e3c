using Switchboard.Pipeline;

namespace Switchboard.Pipeline;

/// <summary>Scoped holder through which DI resolves the current attempt's <see cref="IMessageContext"/>.</summary>
internal sealed class MessageContextAccessor
{
    public MessageContext? Current { get; set; }
}
