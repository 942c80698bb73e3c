using System.Text;
using Switchboard.Messages;
using Switchboard.Conformance.Harness;
using Switchboard.Transport;
using Xunit;

namespace Switchboard.Conformance.Transports;

/// <summary>
/// What can never be handled (no message id, unknown type, oversized, malformed, too deep, foreign content type,
/// JSON null, a body that breaks its type's contract) is dead-lettered with a reason, never reaches a handler, and
/// does not stop the endpoint. The bad messages come from a producer outside the framework
/// (<see cref="ITransportScope.SendRawAsync"/>).
/// </summary>
public abstract class BadInputSuite<TFactory> : TransportSuite<TFactory>
    where TFactory : ITransportFactory, new()
{
    private const string Queue = "intake";

    /// <summary>A message type nobody registered is dead-lettered as unknown.</summary>
    [Fact]
    public async Task An_unknown_message_type_is_dead_lettered()
    {
        var body = RawEnvelopes.Command(1).Body;
        await AssertRejectedAsync(RawEnvelopes.Create("switchboard.testing.nobody-knows.v1", body), "unknown message type");
    }

    /// <summary>A body larger than the configured limit is dead-lettered without being parsed.</summary>
    [Fact]
    public async Task A_body_over_the_size_limit_is_dead_lettered()
    {
        var body = $$"""{"number":2,"text":"{{new string('x', 2048)}}"}""";
        await AssertRejectedAsync(RawEnvelopes.Create(TestMessageNames.Command, body), "exceeds the limit");
    }

    /// <summary>A body that is not JSON is dead-lettered as invalid.</summary>
    [Fact]
    public async Task Malformed_json_is_dead_lettered()
    {
        await AssertRejectedAsync(RawEnvelopes.Create(TestMessageNames.Command, """{"number": 3, "text": "unterminated"""), "not valid JSON");
    }

    /// <summary>A body nested deeper than the limit (64) is dead-lettered as too deep.</summary>
    [Fact]
    public async Task Json_nested_deeper_than_the_limit_is_dead_lettered()
    {
        var body = new StringBuilder("""{"number":4,"text":"deep","extra":""")
            .Append('[', 200).Append(']', 200).Append('}').ToString();
        await AssertRejectedAsync(RawEnvelopes.Create(TestMessageNames.Command, body), "nested deeper");
    }

    /// <summary>A body of a content type the serializer does not read is dead-lettered as unsupported.</summary>
    [Fact]
    public async Task A_wrong_content_type_is_dead_lettered()
    {
        var body = RawEnvelopes.Command(5).Body;
        await AssertRejectedAsync(RawEnvelopes.Create(TestMessageNames.Command, body, "application/x-protobuf"), "unsupported content type");
    }

    /// <summary>A body that is JSON <c>null</c> is dead-lettered.</summary>
    [Fact]
    public async Task A_json_null_body_is_dead_lettered()
    {
        await AssertRejectedAsync(RawEnvelopes.Create(TestMessageNames.Command, "null"), "null");
    }

    /// <summary>A body without a member the contract requires (a constructor parameter without a default) is dead-lettered, naming it.</summary>
    [Fact]
    public async Task A_body_missing_a_required_member_is_dead_lettered_naming_it()
    {
        await AssertRejectedAsync(RawEnvelopes.Create(TestMessageNames.Command, """{"text":"no number"}"""), "missing required properties: number");
    }

    /// <summary>A null where the contract's nullable annotations allow none is dead-lettered, naming the member.</summary>
    [Fact]
    public async Task A_null_member_the_contract_declares_non_null_is_dead_lettered_naming_it()
    {
        await AssertRejectedAsync(RawEnvelopes.Create(TestMessageNames.Command, """{"number":7,"text":null}"""), "'text' must not be null");
    }

    /// <summary>A member whose constructor parameter has a default stays optional: a body without it is handled.</summary>
    [Fact]
    public async Task A_body_without_a_member_that_has_a_default_is_handled()
    {
        await StartBusAsync(b => b.Endpoint(Queue, Recording()));

        await Scope.SendRawAsync(Queue, RawEnvelopes.Create(TestMessageNames.Command, """{"number":8}"""));

        var handled = Assert.Single(await Recorder.WaitForCountAsync(1, Patience));
        Assert.Equal(new TestCommand(8), handled.Message);
    }

    /// <summary>
    /// Messages without a message id (none on the wire, or blank) are all dead-lettered, none handled: none is taken
    /// for a duplicate of another, and none hides the next.
    /// </summary>
    [Fact]
    public async Task Messages_without_a_message_id_are_each_dead_lettered()
    {
        var bus = await StartBusAsync(b => b.Endpoint(Queue, Recording()));
        string[] blanks = ["", "   "];

        foreach (var blank in blanks)
        {
            await Scope.SendRawAsync(Queue, RawEnvelopes.Command(1) with { MessageId = blank });
        }

        var letters = await WaitForDeadLettersAsync(bus.DeadLetters, Queue, blanks.Length);
        Assert.Equal(blanks.Length, letters.Count);
        Assert.All(letters, letter =>
        {
            Assert.True(string.IsNullOrWhiteSpace(letter.Envelope.MessageId), $"Dead letter with id '{letter.Envelope.MessageId}'.");
            Assert.Equal("message has no message id", letter.Reason);
            Assert.Equal(new TestCommand(1), RawEnvelopes.ReadCommand(letter.Envelope));
        });
        await AssertStillFlowingAsync(bus, blanks.Length);
    }

    // Sends the bad envelope into the queue of a running endpoint, checks it is dead-lettered with the reason and
    // never handled, then checks that a good message sent afterwards is handled.
    private async Task AssertRejectedAsync(Envelope bad, string reason)
    {
        var bus = await StartBusAsync(b => b.Configure(o => o with { MaxBodyBytes = 1024 }).Endpoint(Queue, Recording()));

        await Scope.SendRawAsync(Queue, bad);

        var letter = Assert.Single(await WaitForDeadLettersAsync(bus.DeadLetters, Queue, 1));
        Assert.Equal(bad.MessageId, letter.Envelope.MessageId);
        Assert.Contains(reason, letter.Reason, StringComparison.Ordinal);
        Assert.Equal(0, letter.Attempts);
        await AssertStillFlowingAsync(bus, 1);
    }

    // Nothing was handled; a good message sent now is, and the dead letters stay as they were.
    private async Task AssertStillFlowingAsync(RunningBus bus, int deadLetters)
    {
        Assert.Empty(Recorder.All);
        await bus.Bus.SendAsync(Queue, new TestCommand(99));
        var handled = Assert.Single(await Recorder.WaitForCountAsync(1, Patience));
        Assert.Equal(new TestCommand(99), handled.Message);
        await Task.Delay(300);
        Assert.Single(Recorder.All);
        Assert.Equal(deadLetters, await bus.DeadLetters.CountAsync(Queue));
    }
}
