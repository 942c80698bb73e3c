namespace Switchboard.Testing;

/// <summary>
/// An expectation of the harness was not met: its message says what was expected and what was seen. It derives from no
/// test framework's exception, so every framework reports it as a failed test.
/// </summary>
public sealed class HarnessAssertionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public HarnessAssertionException()
    {
    }

    /// <summary>Creates the exception with its message.</summary>
    public HarnessAssertionException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public HarnessAssertionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
