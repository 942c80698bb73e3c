using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;

namespace Switchboard.Console;

/// <summary>Builds a page's HTML: everything that came from data goes through <see cref="E"/>.</summary>
internal sealed class Html
{
    private readonly StringBuilder _text = new();

    /// <summary>Encodes text for an element's content or a quoted attribute.</summary>
    public static string E(object? value) => HtmlEncoder.Default.Encode(value switch
    {
        null => "",
        DateTimeOffset at => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    });

    /// <summary>A query string value or path segment.</summary>
    public static string U(string value) => Uri.EscapeDataString(value);

    public Html Raw(string html)
    {
        _text.Append(html);
        return this;
    }

    public Html Line(string html)
    {
        _text.Append(html).Append('\n');
        return this;
    }

    /// <summary>A figure, or "unavailable" with why as its title.</summary>
    public static string Figure<T>(Reading<T> reading, Func<T, string> show) =>
        reading.Unavailable is { } why ? $"<span class=\"unavailable\" title=\"{E(why)}\">unavailable</span>" : show(reading.Value!);

    /// <summary>A form that posts to <paramref name="action"/> with hidden fields and one button.</summary>
    public static string PostButton(string action, string label, IEnumerable<(string Name, string Value)> fields, string css = "")
    {
        var hidden = string.Concat(fields.Select(f => $"<input type=\"hidden\" name=\"{E(f.Name)}\" value=\"{E(f.Value)}\">"));
        return $"<form method=\"post\" action=\"{E(action)}\" class=\"inline\">{hidden}<button type=\"submit\" class=\"{css}\">{E(label)}</button></form>";
    }

    public override string ToString() => _text.ToString();
}
