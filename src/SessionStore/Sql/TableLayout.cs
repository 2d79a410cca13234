namespace SessionStore.Sql;

/// <summary>The columns the cache uses and how: what the statements are built from.</summary>
/// <param name="IdColumn">The id column's name.</param>
/// <param name="DataColumn">The data column's name.</param>
/// <param name="LastActiveColumn">The last-activity column's name; unused when <paramref name="Expiry"/> is <see cref="ExpiryMode.None"/>.</param>
/// <param name="Expiry">Where expiry lives.</param>
/// <param name="Encoding">How value bytes are stored.</param>
/// <param name="UsesTimestampColumns">
/// Whether a time column is a <c>TIMESTAMP</c>, which the server converts with the session time zone: statements then pin
/// the session to UTC so that stored instants mean what the app meant.
/// </param>
internal sealed record TableLayout(
    string IdColumn,
    string DataColumn,
    string LastActiveColumn,
    ExpiryMode Expiry,
    DataEncoding Encoding,
    bool UsesTimestampColumns)
{
    /// <summary>The default schema (schema/mysql/001).</summary>
    public static TableLayout Default { get; } =
        new(SessionColumns.Id, SessionColumns.Data, SessionColumns.LastActive, ExpiryMode.ExpiryColumns, DataEncoding.Binary, false);
}
