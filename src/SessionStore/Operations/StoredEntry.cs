using SessionStore.Sql;

namespace SessionStore.Operations;

/// <summary>What a read returned: the value, and the row's expiry facts (for the extension decision and the memo).</summary>
/// <param name="Found">Whether a live, readable entry was found.</param>
/// <param name="Value">The value, unless it was written into the caller's buffer instead.</param>
internal readonly record struct StoredEntry(bool Found, byte[]? Value)
{
    public long? SlidingWindowMicroseconds { get; init; }

    /// <summary><c>expires_at</c>, or <c>last_active</c> in <see cref="ExpiryMode.LastActive"/>, as UTC.</summary>
    public DateTime? ExpiryInstant { get; init; }

    public DateTime? AbsoluteDeadline { get; init; }

    /// <summary>A row whose data cannot be decoded (another application's, or another key ring's).</summary>
    public bool Unreadable { get; init; }

    /// <summary>Whether the read's own batch extended the entry.</summary>
    public bool Extended { get; init; }

    public static StoredEntry UnreadableRow => new(false, null) { Unreadable = true };
}
