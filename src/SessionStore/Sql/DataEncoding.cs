namespace SessionStore.Sql;

/// <summary>How value bytes are stored in the data column.</summary>
internal enum DataEncoding
{
    /// <summary>As they are, in a binary column (BLOB, VARBINARY).</summary>
    Binary,

    /// <summary>
    /// As Base64 text, in a text column (TEXT, VARCHAR — the ancestor's, and MEMORY tables, which have no BLOB): the session
    /// middleware writes bytes that are not valid text. Costs 4/3 of the space.
    /// </summary>
    Base64Text,
}
