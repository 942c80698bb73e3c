namespace Switchboard;

/// <summary>
/// How a bus writes the messages it sends and publishes. Receivers read every format whatever they write, so a format
/// can change one service at a time (docs/contracts.md, "CloudEvents").
/// </summary>
public enum WireFormat
{
    /// <summary>
    /// CloudEvents 1.0 in binary content mode (the default): the body is the message's JSON as before, the envelope's
    /// fields stay where every version of Switchboard reads them, and the CloudEvents attributes travel beside them as
    /// <c>cloudEvents:</c> headers (the AMQP binding's prefix). Readable by earlier versions of Switchboard.
    /// </summary>
    CloudEventsBinary,

    /// <summary>
    /// CloudEvents 1.0 in structured content mode: the body is the JSON event (<c>application/cloudevents+json</c>) with
    /// the message as its <c>data</c>. Readable by any CloudEvents SDK without knowing the headers, but only by
    /// Switchboard versions that read CloudEvents.
    /// </summary>
    CloudEventsStructured,

    /// <summary>The envelope's own fields and headers only, as before CloudEvents (the smallest messages).</summary>
    Native,
}
