namespace QuickStart;

/// <summary>Prints what the endpoints do, and counts it so the demo knows when it is done.</summary>
public sealed class Journal
{
    private int _entries;

    public int Entries => Volatile.Read(ref _entries);

    public void Write(string endpoint, string text)
    {
        Interlocked.Increment(ref _entries);
        Console.WriteLine($"  [{endpoint,-13}] {text}");
    }
}
