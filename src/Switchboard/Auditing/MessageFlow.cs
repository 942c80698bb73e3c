namespace Switchboard.Auditing;

/// <summary>
/// The flow of one conversation (one correlation id, e.g. one order) as the audit log saw it: a causation tree (which
/// message's handling sent which) and a timeline across services, retries and dead letters included.
/// </summary>
public sealed class MessageFlow
{
    private MessageFlow(string correlationId, IReadOnlyList<AuditRecord> timeline, IReadOnlyList<FlowNode> roots)
    {
        CorrelationId = correlationId;
        Timeline = timeline;
        Roots = roots;
    }

    /// <summary>The conversation.</summary>
    public string CorrelationId { get; }

    /// <summary>Every delivery of the conversation, in the order they finished.</summary>
    public IReadOnlyList<AuditRecord> Timeline { get; }

    /// <summary>
    /// The messages no recorded message caused (the conversation's first ones, or those whose cause was not received
    /// by an audited endpoint), each with what its handling caused below it.
    /// </summary>
    public IReadOnlyList<FlowNode> Roots { get; }

    /// <summary>
    /// The tree as lines, depth first, each message with its cause and depth: for a list or an indented view. Walked with
    /// a stack of its own, so a long chain of causes makes no deep recursion (nor deep JSON).
    /// </summary>
    public IEnumerable<FlowLine> DepthFirst()
    {
        var pending = new Stack<FlowLine>(Roots.Reverse().Select(r => new FlowLine(r, null, 0)));
        while (pending.TryPop(out var line))
        {
            yield return line;
            foreach (var child in line.Node.Caused.Reverse())
            {
                pending.Push(new FlowLine(child, line.Node.MessageId, line.Depth + 1));
            }
        }
    }

    /// <summary>Reads the conversation's records (at most <paramref name="max"/>) from <paramref name="log"/> and builds its flow.</summary>
    public static async ValueTask<MessageFlow> ReadAsync(IAuditLog log, string correlationId, int max = 10_000, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentException.ThrowIfNullOrWhiteSpace(correlationId);
        var records = await log.ReadConversationAsync(correlationId, max, cancellationToken).ConfigureAwait(false);
        return Build(correlationId, records);
    }

    /// <summary>Builds the flow of <paramref name="correlationId"/> from its records.</summary>
    public static MessageFlow Build(string correlationId, IEnumerable<AuditRecord> records)
    {
        var timeline = records.OrderBy(r => r.FinishedAt).ThenBy(r => r.Sequence).ToList();
        var deliveries = new Dictionary<string, List<AuditRecord>>(StringComparer.Ordinal);
        var order = new List<string>();
        foreach (var record in timeline)
        {
            if (!deliveries.TryGetValue(record.MessageId, out var list))
            {
                deliveries[record.MessageId] = list = [];
                order.Add(record.MessageId);
            }

            list.Add(record);
        }

        var caused = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var roots = new List<string>();
        foreach (var id in order)
        {
            var cause = deliveries[id][0].CausationId;
            if (cause is not null && cause != id && deliveries.ContainsKey(cause))
            {
                (caused.TryGetValue(cause, out var effects) ? effects : caused[cause] = []).Add(id);
            }
            else
            {
                roots.Add(id);
            }
        }

        // Causation ids come off the wire: a cycle among them must not loop forever, and a long chain must not
        // recurse deep, so the tree is walked with a stack of its own and each message is placed once.
        var children = order.ToDictionary(id => id, _ => new List<FlowNode>(), StringComparer.Ordinal);
        var nodes = order.ToDictionary(id => id, id => new FlowNode(deliveries[id], children[id]), StringComparer.Ordinal);
        var placed = new HashSet<string>(StringComparer.Ordinal);
        var tree = new List<FlowNode>();
        foreach (var root in roots.Concat(order))
        {
            if (!placed.Add(root))
            {
                continue;
            }

            tree.Add(nodes[root]);
            var pending = new Stack<string>([root]);
            while (pending.TryPop(out var id))
            {
                foreach (var child in caused.TryGetValue(id, out var ids) ? ids : [])
                {
                    if (placed.Add(child))
                    {
                        children[id].Add(nodes[child]);
                        pending.Push(child);
                    }
                }
            }
        }

        return new MessageFlow(correlationId, timeline, tree);
    }
}
