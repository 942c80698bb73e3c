using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Sqlite.Writing;

/// <summary>How a claimed message is settled.</summary>
internal enum SettleKind
{
    Complete,
    Abandon,
    Defer,
    DeadLetter,
    Renew,
}

/// <summary>
/// Settles or renews one claimed message. Every statement checks the lease, so a settlement that comes after
/// the lease expired and another consumer claimed the message changes nothing. On an ordered queue, completing a
/// message frees its key (the queue's receivers are woken to claim the key's next one), and dead-lettering a keyed
/// message parks it (<see cref="OrderedRows.ParkedVisibleAt"/>) instead of removing it.
/// </summary>
internal sealed class SettleOperation : WriteOperation<bool>
{
    private readonly SettleKind _kind;
    private readonly string _queue;
    private readonly long _seq;
    private readonly long _lease;
    private readonly long _at;
    private readonly Envelope? _envelope;

    private SettleOperation(SettleKind kind, string queue, long seq, long lease, long at, Envelope? envelope)
    {
        _kind = kind;
        _queue = queue;
        _seq = seq;
        _lease = lease;
        _at = at;
        _envelope = envelope;
    }

    public static SettleOperation Complete(string queue, long seq, long lease) => new(SettleKind.Complete, queue, seq, lease, 0, null);

    public static SettleOperation Abandon(string queue, long seq, long lease, long visibleAt) => new(SettleKind.Abandon, queue, seq, lease, visibleAt, null);

    public static SettleOperation Defer(string queue, long seq, long lease, long visibleAt, Envelope envelope) => new(SettleKind.Defer, queue, seq, lease, visibleAt, envelope);

    public static SettleOperation DeadLetter(string queue, long seq, long lease, long at, Envelope stamped) => new(SettleKind.DeadLetter, queue, seq, lease, at, stamped);

    public static SettleOperation Renew(string queue, long seq, long lease, long until) => new(SettleKind.Renew, queue, seq, lease, until, null);

    public override void Execute(WriteBatch batch)
    {
        var s = batch.Statements;
        switch (_kind)
        {
            case SettleKind.Complete:
                if (Run(s.Complete))
                {
                    batch.Completed(_queue);
                }

                break;
            case SettleKind.Abandon:
                s.Abandon.Parameters[2].Value = _at;
                if (Run(s.Abandon) && _at <= batch.Now)
                {
                    batch.MessagesBecameVisible(_queue);
                }

                break;
            case SettleKind.Defer:
                s.Defer.Parameters[2].Value = _at;
                s.Defer.Parameters[3].Value = _envelope!.Headers.Count == 0 ? DBNull.Value : HeadersJson.Write(_envelope.Headers);
                Run(s.Defer);
                break;
            case SettleKind.Renew:
                s.Renew.Parameters[2].Value = _at;
                Run(s.Renew);
                break;
            case SettleKind.DeadLetter:
                DeadLetter(batch);
                break;
            default:
                throw new InvalidOperationException($"Unknown settlement {_kind}.");
        }
    }

    private void DeadLetter(WriteBatch batch)
    {
        var s = batch.Statements;
        string? parkedKey = null;
        if (batch.Ordered.Contains(_queue))
        {
            s.Park.Parameters[0].Value = _seq;
            s.Park.Parameters[1].Value = _lease;
            parkedKey = s.Park.ExecuteScalar() as string;
            Result = parkedKey is not null;
        }

        if (parkedKey is null && !Run(s.Complete))
        {
            return;
        }

        var insert = s.InsertDeadLetter;
        insert.Parameters[0].Value = _queue;
        insert.Parameters[1].Value = _at;
        insert.Parameters[2].Value = (object?)parkedKey ?? (object?)EnvelopeColumns.OrderingKey(_envelope!) ?? DBNull.Value;
        insert.Parameters[3].Value = parkedKey is null ? DBNull.Value : _seq;
        EnvelopeColumns.Bind(insert.Parameters, 4, _envelope!);
        insert.ExecuteNonQuery();
    }

    private bool Run(Microsoft.Data.Sqlite.SqliteCommand command)
    {
        command.Parameters[0].Value = _seq;
        command.Parameters[1].Value = _lease;
        Result = command.ExecuteNonQuery() == 1;
        return Result;
    }
}
