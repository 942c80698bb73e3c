using Switchboard.Sqlite.CrashHost;

// Usage:
//   produce <db> <queue> <from> <count> [--lease-ms L] [--keys K]
//       declares the queue, sends <count> numbers starting at <from> and prints "sent N" after each send returned.
//       With --keys, the queue is ordered, number N's ordering key is N % K, and the numbers of one key are sent one
//       after the other, in increasing order.
//   consume <db> <queue> [--delay-ms D] [--lease-ms L] [--keys K] [--poison-file F]
//       handles the queue (concurrency 4, prefetch 64), printing "handled N T D" (T: when, on the machine's monotonic
//       clock, Stopwatch; D: the delivery count); stops gracefully when stdin closes.
//       With --keys, the endpoint is ordered (by the keys the producer stamped).
//       With --poison-file, while F exists the numbers it lists fail ("poisoned N T D"), without retries: each is
//       dead-lettered at its first failure (on an ordered endpoint its key parks).
//   saga <db> <queue> [--delay-ms D] [--lease-ms L]
//       handles the queue with an event-sourced saga (transactional, concurrency 8, prefetch 64): number N deposits N
//       on the aggregate tally-(N % 10), printing "handled N" when the saga has decided (before its unit of work
//       commits); stops gracefully when stdin closes.
//   append <db> <streams> [--batch B]
//       opens the event store in <db> and appends to the streams crash-0..crash-<streams-1> at once, B events (default
//       50) per append with the exact expected version, each stream continuing from its stored version; the events of
//       batch k carry {"batch":k,"index":i}; prints "appended <stream> <version>" after each append returned; stops
//       gracefully when stdin closes.
// produce and consume run on RabbitMQ when <db> is an amqp:// (or amqps://) URI: the vhost, which the test created.
// All print "ready" once the host started. Logs go to stderr, so stdout carries only these lines.
try
{
    var arguments = HostArguments.Parse(args);
    return arguments.Mode switch
    {
        HostMode.Produce => await ProduceCommand.RunAsync(arguments),
        HostMode.Consume => await ConsumeCommand.RunAsync(arguments),
        HostMode.Saga => await SagaCommand.RunAsync(arguments),
        HostMode.Append => await AppendCommand.RunAsync(arguments),
        _ => throw new ArgumentException($"Unknown mode {arguments.Mode}."),
    };
}
catch (ArgumentException e)
{
    await Console.Error.WriteLineAsync(e.Message);
    return 2;
}
