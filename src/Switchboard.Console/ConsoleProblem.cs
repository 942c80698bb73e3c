using Microsoft.AspNetCore.Http;

namespace Switchboard.Console;

/// <summary>A request the console refuses, with the status and the words both the API and the pages answer with; nothing was changed.</summary>
internal sealed class ConsoleProblem(int status, string title, string detail) : Exception(detail)
{
    public int Status { get; } = status;

    public string Title { get; } = title;

    public static ConsoleProblem BadRequest(string detail) => new(StatusCodes.Status400BadRequest, "Invalid request", detail);

    public static ConsoleProblem NotFound(string title, string detail) => new(StatusCodes.Status404NotFound, title, detail);

    public static ConsoleProblem Unavailable(string detail) => new(StatusCodes.Status503ServiceUnavailable, "Unavailable", detail);
}

/// <summary>A figure the backend could read, or why it could not: shown as unavailable, never as a made-up value.</summary>
internal readonly record struct Reading<T>(T? Value, string? Unavailable)
{
    public static Reading<T> Of(T value) => new(value, null);

    public static Reading<T> Missing(string why) => new(default, why);
}
