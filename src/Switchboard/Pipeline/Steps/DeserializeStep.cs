using Switchboard.Configuration;
using Switchboard.Serialization;
using Switchboard.Transport;

namespace Switchboard.Pipeline.Steps;

/// <summary>
/// Rejects what can never be handled (an invalid CloudEvent, no message id, a delivery its transport refuses, oversized body, unknown type
/// name, foreign content type, malformed or too deep JSON, a body that breaks its type's contract, an upcaster that
/// fails on it) straight to the dead-letter queue, without retries; otherwise sets the message, upcast for the
/// endpoint as needed (<see cref="MessageReader"/>).
/// </summary>
internal sealed class DeserializeStep(BusConfiguration configuration, EndpointDefinition endpoint) : IReceiveStep
{
    private readonly MessageReader _reader = new(configuration, endpoint);

    public ValueTask InvokeAsync(ReceiveContext context, ReceiveDelegate next)
    {
        var envelope = context.Envelope;
        if (context.InvalidCloudEvent is { } invalid)
        {
            return Reject(context, invalid);
        }

        // Without an id the inbox cannot tell one message from the next: the first would hide every later one.
        if (string.IsNullOrWhiteSpace(envelope.MessageId))
        {
            return Reject(context, "message has no message id");
        }

        if (context.Incoming.RefusalFor(envelope.MessageType) is { } refusal)
        {
            return Reject(context, refusal);
        }

        if (envelope.Body.Length > configuration.Options.MaxBodyBytes)
        {
            return Reject(context, $"body of {envelope.Body.Length} bytes exceeds the limit of {configuration.Options.MaxBodyBytes} bytes");
        }

        if (!_reader.CanRead(envelope.MessageType))
        {
            return Reject(context, $"unknown message type '{Truncate(envelope.MessageType)}'");
        }

        if (!SameMediaType(envelope.ContentType, configuration.Serializer.ContentType))
        {
            return Reject(context, $"unsupported content type '{Truncate(envelope.ContentType)}'");
        }

        try
        {
            (context.Message, context.MessageType) = _reader.Read(envelope.MessageType, envelope.Body);
        }
        catch (MessageBodyException e)
        {
            context.DeadLetter(DeadLetterReason.FromException(e.Message, e, attempts: 0));
            return ValueTask.CompletedTask;
        }

        return next(context);
    }

    // "application/json; charset=utf-8" is JSON too: parameters are not the format.
    private static bool SameMediaType(string received, string expected)
    {
        var end = received.IndexOf(';', StringComparison.Ordinal);
        return (end < 0 ? received.AsSpan() : received.AsSpan(0, end)).Trim().Equals(expected, StringComparison.OrdinalIgnoreCase);
    }

    private static ValueTask Reject(ReceiveContext context, string reason)
    {
        context.DeadLetter(new DeadLetterReason(reason));
        return ValueTask.CompletedTask;
    }

    // Values that came off the wire are quoted in reasons, but never at any length.
    private static string Truncate(string? value) => value is null ? "" : value.Length <= 200 ? value : value[..200] + "…";
}
