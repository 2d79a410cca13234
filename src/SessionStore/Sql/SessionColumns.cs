namespace SessionStore.Sql;

/// <summary>Column names of the sessions table. <c>id</c>, <c>session_data</c> and <c>last_active</c> are the Perl ancestor's.</summary>
internal static class SessionColumns
{
    public const string Id = "id";
    public const string Data = "session_data";
    public const string LastActive = "last_active";
    public const string ExpiresAt = "expires_at";
    public const string SlidingWindowMicroseconds = "sliding_window_us";
    public const string AbsoluteDeadline = "absolute_expires_at";

    /// <summary>Every column the cache reads or writes, in table order.</summary>
    public static readonly string[] All = [Id, Data, LastActive, ExpiresAt, SlidingWindowMicroseconds, AbsoluteDeadline];
}
