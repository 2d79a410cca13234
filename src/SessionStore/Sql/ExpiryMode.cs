namespace SessionStore.Sql;

/// <summary>Where a table keeps what the cache needs to expire entries.</summary>
internal enum ExpiryMode
{
    /// <summary>The full schema: <c>expires_at</c>, <c>sliding_window_us</c>, <c>absolute_expires_at</c>. Everything is supported.</summary>
    ExpiryColumns,

    /// <summary>
    /// The Perl ancestor's table with <c>last_active</c> only: every entry slides by <c>DefaultSlidingExpiration</c> from its
    /// last use; absolute expirations are refused.
    /// </summary>
    LastActive,

    /// <summary>The ancestor's minimal table (<c>id</c>, <c>session_data</c>): entries never expire; absolute expirations are refused.</summary>
    None,
}
