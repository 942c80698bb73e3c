using System.Buffers;
using System.Text;
using System.Text.Json;

namespace Switchboard.Messages;

/// <summary>
/// Free headers as a flat JSON object of strings, written and read without reflection: how the database
/// transports and stores keep <see cref="Envelope.Headers"/> in one column.
/// </summary>
public static class HeadersJson
{
    /// <summary>The headers as a JSON object.</summary>
    public static string Write(IReadOnlyDictionary<string, string> headers)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in headers)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Headers from a JSON object written by <see cref="Write"/>.</summary>
    public static Dictionary<string, string> Read(string json)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(json));
        reader.Read();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.GetString()!;
            reader.Read();
            headers[name] = reader.GetString() ?? "";
        }

        return headers;
    }
}
