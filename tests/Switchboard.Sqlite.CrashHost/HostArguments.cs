using System.Globalization;

namespace Switchboard.Sqlite.CrashHost;

internal enum HostMode
{
    Produce,
    Consume,
    Append,
    Saga,
}

/// <summary>The command line of the crash host.</summary>
/// <param name="Database">The SQLite file, or (produce and consume) the amqp:// URI of a RabbitMQ vhost.</param>
internal sealed record HostArguments(HostMode Mode, string Database, string Queue, int From, int Count, TimeSpan HandlerDelay, TimeSpan LeaseDuration)
{
    /// <summary>The RabbitMQ vhost to run on, when <see cref="Database"/> is an amqp:// or amqps:// URI; null for SQLite.</summary>
    public Uri? Broker =>
        Database.StartsWith("amqp://", StringComparison.OrdinalIgnoreCase) || Database.StartsWith("amqps://", StringComparison.OrdinalIgnoreCase)
            ? new Uri(Database)
            : null;

    /// <summary>append: how many streams are appended to at once.</summary>
    public int Streams { get; init; }

    /// <summary>append: events per append.</summary>
    public int Batch { get; init; } = 50;

    /// <summary>produce, consume: when above 0, the queue is ordered and number N's ordering key is N % Keys.</summary>
    public int Keys { get; init; }

    /// <summary>consume: while this file exists, the numbers it lists fail, and a failed message is dead-lettered at once.</summary>
    public string? PoisonFile { get; init; }

    public static HostArguments Parse(string[] args)
    {
        var positional = new List<string>();
        var delay = TimeSpan.Zero;
        var lease = TimeSpan.FromSeconds(2);
        var batch = 50;
        var keys = 0;
        string? poisonFile = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--delay-ms":
                    delay = TimeSpan.FromMilliseconds(Number(args, ++i));
                    break;
                case "--lease-ms":
                    lease = TimeSpan.FromMilliseconds(Number(args, ++i));
                    break;
                case "--batch":
                    batch = Number(args, ++i);
                    break;
                case "--keys":
                    keys = Number(args, ++i);
                    break;
                case "--poison-file":
                    poisonFile = Text(args, ++i);
                    break;
                default:
                    positional.Add(args[i]);
                    break;
            }
        }

        return positional switch
        {
            ["produce", var db, var queue, var from, var count] =>
                new(HostMode.Produce, db, queue, Parse(from), Parse(count), delay, lease) { Keys = keys },
            ["consume", var db, var queue] =>
                new(HostMode.Consume, db, queue, 0, 0, delay, lease) { Keys = keys, PoisonFile = poisonFile },
            ["saga", var db, var queue] =>
                new(HostMode.Saga, db, queue, 0, 0, delay, lease),
            ["append", var db, var streams] when Parse(streams) > 0 && batch > 0 =>
                new(HostMode.Append, db, "", 0, 0, delay, lease) { Streams = Parse(streams), Batch = batch },
            _ => throw new ArgumentException(
                "Usage (<db>: a SQLite file, or for produce and consume an amqp:// URI): produce <db> <queue> <from> <count> [--lease-ms L] [--keys K] | consume <db> <queue> [--delay-ms D] [--lease-ms L] [--keys K] [--poison-file F] | saga <db> <queue> [--delay-ms D] [--lease-ms L] | append <db> <streams> [--batch B]"),
        };
    }

    private static int Number(string[] args, int index) => Parse(Text(args, index));

    private static string Text(string[] args, int index) =>
        index < args.Length ? args[index] : throw new ArgumentException($"{args[index - 1]} needs a value.");

    private static int Parse(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"'{text}' is not a non-negative number.");
}
