using Switchboard.Testing.Transports;

namespace Switchboard.Tests.Conformance;

public sealed class InMemorySendReceive : SendReceiveSuite<InMemoryTransportFactory>;
