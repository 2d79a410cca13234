namespace SessionStore.Sql;

/// <summary>
/// The names of the three columns every layout has (the ancestor's <c>id</c>, <c>session_data</c>, <c>last_active</c> by
/// default; Dancer2::Session::DBIC lets them be renamed). The expiry columns of the full schema have fixed names.
/// </summary>
internal sealed record ColumnNames(string Id, string Data, string LastActive)
{
    /// <summary>The ancestor's names, which the options default to.</summary>
    public static ColumnNames Default { get; } = new(SessionColumns.Id, SessionColumns.Data, SessionColumns.LastActive);

    /// <summary>The names the options give.</summary>
    public static ColumnNames From(DbiSessionCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ColumnNames(options.IdColumn, options.DataColumn, options.LastActiveColumn);
    }
}
