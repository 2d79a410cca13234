using System.Globalization;
using System.Net;

namespace SessionSample.Pages;

/// <summary>Small pieces of HTML. Everything that did not come from this file's own literals goes through <see cref="Encode"/>.</summary>
internal static class Html
{
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    public static string Money(int cents) => "€" + (cents / 100m).ToString("0.00", CultureInfo.InvariantCulture);
}
