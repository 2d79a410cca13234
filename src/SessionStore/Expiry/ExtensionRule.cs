using SessionStore.Sql;

namespace SessionStore.Expiry;

/// <summary>
/// The lazy-sliding rule: when a read or refresh extends an entry, and to what. A sliding entry is extended only once the
/// time left has fallen below <c>(1 − threshold)</c> of its window (for a <c>last_active</c> table: once it has been idle
/// for <c>threshold</c> of the window), so that most reads write nothing.
/// </summary>
internal static class ExtensionRule
{
    /// <summary>
    /// When a read would next extend this entry, in ticks: the condition the extension UPDATE checks, solved for "now".
    /// <see cref="long.MaxValue"/> for an entry that does not slide, or whose expiry already sits at its absolute deadline.
    /// </summary>
    /// <param name="mode">How the table keeps expiry.</param>
    /// <param name="slidingWindowMicroseconds">The entry's window; <see langword="null"/> when it does not slide.</param>
    /// <param name="expiryInstant"><c>expires_at</c>, or <c>last_active</c> in <see cref="ExpiryMode.LastActive"/>.</param>
    /// <param name="absoluteDeadline">The entry's absolute deadline, if any.</param>
    /// <param name="threshold">The share of the window that must pass before an extension.</param>
    public static long DueAt(ExpiryMode mode, long? slidingWindowMicroseconds, DateTime? expiryInstant, DateTime? absoluteDeadline, double threshold)
    {
        if (slidingWindowMicroseconds is not { } windowUs || expiryInstant is not { } instant)
        {
            return long.MaxValue;
        }

        var window = windowUs * TimeSpan.TicksPerMicrosecond;
        if (mode == ExpiryMode.LastActive)
        {
            // UPDATE when last_active < now - window x threshold.
            return instant.Ticks + (long)(window * threshold) + 1;
        }

        // UPDATE when expires_at < LEAST(now + window x (1 - threshold), deadline).
        if (absoluteDeadline is { } deadline && instant >= deadline)
        {
            return long.MaxValue;
        }

        return instant.Ticks - (long)(window * (1 - threshold)) + 1;
    }

    /// <summary>
    /// The expiry instant after an extension at <paramref name="now"/>: <paramref name="now"/> itself for a
    /// <c>last_active</c> table, else now plus the window, capped by the deadline and the end of <c>DATETIME</c>.
    /// </summary>
    public static DateTime ExtendedExpiry(ExpiryMode mode, long slidingWindowMicroseconds, DateTime? absoluteDeadline, DateTime now)
    {
        if (mode == ExpiryMode.LastActive)
        {
            return now;
        }

        var window = TimeSpan.FromTicks(slidingWindowMicroseconds * TimeSpan.TicksPerMicrosecond);
        var extended = DateTime.MaxValue - now <= window ? DateTime.MaxValue : now + window;
        return absoluteDeadline is { } deadline && deadline < extended ? deadline : extended;
    }
}
