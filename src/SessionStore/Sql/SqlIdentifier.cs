namespace SessionStore.Sql;

/// <summary>Validates and quotes MySQL identifiers (table and column names).</summary>
internal static class SqlIdentifier
{
    /// <summary>MySQL and MariaDB limit table and column names to 64 characters.</summary>
    public const int MaxLength = 64;

    /// <summary>
    /// Whether <paramref name="name"/> is made only of the characters MySQL allows in an unquoted identifier that we accept:
    /// ASCII letters, digits, <c>_</c> and <c>$</c>, not all digits. Anything else (quotes, backticks, spaces, semicolons)
    /// is refused outright, so no configured name can carry SQL.
    /// </summary>
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            return false;
        }

        var allDigits = true;
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c != '_' && c != '$')
            {
                return false;
            }

            allDigits &= char.IsAsciiDigit(c);
        }

        return !allDigits;
    }

    /// <summary>Quotes <paramref name="name"/> with backticks, doubling any embedded backtick (defence in depth: validated names have none).</summary>
    public static string Quote(string name) => "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";
}
