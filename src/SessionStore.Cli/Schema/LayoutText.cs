using SessionStore.Sql;

namespace SessionStore.Cli.Schema;

/// <summary>A <see cref="TableLayout"/> in words, for the tool's output.</summary>
internal static class LayoutText
{
    public static bool IsFullSchema(TableLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        return layout is { Expiry: ExpiryMode.ExpiryColumns, Encoding: DataEncoding.Binary };
    }

    public static string Describe(TableLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (IsFullSchema(layout))
        {
            return "full schema (expiry columns, binary values)";
        }

        var expiry = layout.Expiry switch
        {
            ExpiryMode.ExpiryColumns => "expiry columns",
            ExpiryMode.LastActive => $"entries expire the sliding window after '{layout.LastActiveColumn}'",
            _ => "entries never expire",
        };
        var encoding = layout.Encoding == DataEncoding.Base64Text
            ? $"values as Base64 in the text column '{layout.DataColumn}'"
            : "binary values";
        return $"legacy ({expiry}; {encoding})";
    }
}
