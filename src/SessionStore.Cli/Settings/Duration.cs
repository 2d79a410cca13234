using System.Globalization;

namespace SessionStore.Cli.Settings;

/// <summary>Durations as a person types them on a command line: <c>20m</c>, <c>90s</c>, <c>2h</c>, <c>1d</c>, or <c>00:20:00</c>.</summary>
internal static class Duration
{
    public const string Examples = "20m, 90s, 2h, 1d or 00:20:00";

    public static bool TryParse(string text, out TimeSpan duration)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        duration = default;
        if (text.Length > 1 && char.IsAsciiLetter(text[^1])
            && double.TryParse(text.AsSpan(0, text.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            double? seconds = char.ToLowerInvariant(text[^1]) switch
            {
                's' => amount,
                'm' => amount * 60,
                'h' => amount * 3600,
                'd' => amount * 86400,
                _ => null,
            };
            if (seconds is not { } value || value > TimeSpan.MaxValue.TotalSeconds)
            {
                return false;
            }

            duration = TimeSpan.FromSeconds(value);
            return true;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration);
    }

    public static string Format(TimeSpan duration) => duration.ToString("c", CultureInfo.InvariantCulture);
}
