using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;

namespace Switchboard.Serialization;

/// <summary>
/// The default serializer: System.Text.Json with web defaults, a nesting limit, and the message's type as its
/// contract: constructor parameters without a default value and <c>required</c> members must be present, and a
/// member the nullable annotations declare non-null must not be null (reading and writing alike).
/// </summary>
public sealed class JsonMessageSerializer : IMessageSerializer
{
    private readonly JsonSerializerOptions _options;

    /// <summary>
    /// Creates the serializer. <paramref name="maxDepth"/> bounds how deeply a body may nest; <paramref name="options"/>
    /// (default <see cref="JsonSerializerOptions.Web"/>) is copied, with the depth limit and the contract checks
    /// (<see cref="JsonSerializerOptions.RespectRequiredConstructorParameters"/>,
    /// <see cref="JsonSerializerOptions.RespectNullableAnnotations"/>) always on.
    /// </summary>
    public JsonMessageSerializer(int maxDepth = 64, JsonSerializerOptions? options = null)
    {
        _options = new JsonSerializerOptions(options ?? JsonSerializerOptions.Web)
        {
            MaxDepth = maxDepth,
            RespectRequiredConstructorParameters = true,
            RespectNullableAnnotations = true,
        };
        _options.MakeReadOnly(populateMissingResolver: true);
    }

    /// <inheritdoc />
    public string ContentType => "application/json";

    /// <summary>
    /// The JSON Schema of <paramref name="type"/>'s body as this serializer writes and reads it (property names,
    /// required constructor parameters, nullability): what a contract's consumers rely on, for
    /// <see cref="ContractCompatibility"/>.
    /// </summary>
    public JsonObject SchemaOf(Type type) =>
        _options.GetJsonSchemaAsNode(type, new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true }).AsObject();

    /// <inheritdoc />
    public ReadOnlyMemory<byte> Serialize(object message, Type type) => JsonSerializer.SerializeToUtf8Bytes(message, type, _options);

    /// <inheritdoc />
    public object Deserialize(ReadOnlyMemory<byte> body, Type type)
    {
        try
        {
            return JsonSerializer.Deserialize(body.Span, type, _options)
                ?? throw new MessageBodyException($"The body is JSON null, not a {type.Name}.");
        }
        catch (JsonException e) when (ExceedsDepth(body.Span, _options.MaxDepth))
        {
            throw new MessageBodyException($"The body is nested deeper than the limit of {_options.MaxDepth}.", e);
        }
        catch (JsonException e) when (ContractViolations.Describe(body.Span, type, _options) is { } violations)
        {
            throw new MessageBodyException($"The body does not satisfy the contract of {type.Name}: {violations}.", e);
        }
        catch (JsonException e)
        {
            throw new MessageBodyException($"The body is not valid JSON for {type.Name}: {e.Message}", e);
        }
        catch (NotSupportedException e)
        {
            throw new MessageBodyException($"The body cannot be deserialized into {type.Name}: {e.Message}", e);
        }
    }

    // Only runs on the failure path, to tell "too deep" apart from "malformed" without parsing error texts.
    private static bool ExceedsDepth(ReadOnlySpan<byte> body, int maxDepth)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = int.MaxValue - 1 });
        try
        {
            while (reader.Read())
            {
                if (reader.CurrentDepth >= maxDepth)
                {
                    return true;
                }
            }
        }
        catch (JsonException)
        {
            // Malformed before the limit was reached.
        }

        return false;
    }
}
