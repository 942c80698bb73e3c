using Switchboard.Testing.EventSourcing;

namespace Switchboard.Tests.Conformance;

public sealed class InMemorySubscriptions : SubscriptionSuite<InMemoryEventStoreFactory>;
