using Switchboard.Serialization;

namespace Switchboard.Configuration;

/// <summary>
/// Runs an application's upcaster on the receive path. One that throws on a body throws on every redelivery of it, so
/// its exception becomes a <see cref="MessageBodyException"/>: the pipeline dead-letters the message at once, naming the
/// old name and keeping the exception, instead of returning it to the queue forever.
/// </summary>
internal static class UpcastFailure
{
    public static T Guard<T>(string oldName, Func<T> upcast)
    {
        try
        {
            return upcast();
        }
        catch (Exception e) when (e is not MessageBodyException)
        {
            throw new MessageBodyException($"Upcasting '{oldName}' failed: {e.Message}", e);
        }
    }
}
