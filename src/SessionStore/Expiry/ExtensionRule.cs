using SessionStore.Sql;

namespace SessionStore.Expiry;

/// <summary>
/// The lazy-sliding rule: when a read or refresh extends an entry, and to what. A sliding entry is extended only once the
/// time left has fallen below <c>(1 − threshold)</c> of its window (for a <c>last_active</c> table: once it has been idle
/// for <c>threshold</c> of the window), so that most reads write nothing.
/// </summary>
/// <remarks>
/// The rule is decided in two places, the server (the extension UPDATE) and this process (whether a Get or Refresh sends
/// that UPDATE), so each part is written here twice, side by side: the SQL fragment that
/// <see cref="SqlStatements"/> and the CLI's upgrade embed, and the C# decision that must agree with it. Change one, change
/// its neighbour; ExtensionRuleTests holds the two to the same boundary.
/// </remarks>
internal static class ExtensionRule
{
    /// <summary>
    /// The largest <c>DATETIME(6)</c> value: where an extension is capped when now plus the window would run past it (the
    /// SQL counterpart of <see cref="DateTime.MaxValue"/> in <see cref="ExtendedExpiry"/>).
    /// </summary>
    public const string SqlMaxDateTime = "'9999-12-31 23:59:59.999999'";

    /// <summary>
    /// When a read would next extend this entry, in ticks: the condition the extension UPDATE checks, solved for "now".
    /// <see cref="long.MaxValue"/> for an entry that does not slide, or whose expiry already sits at its absolute deadline.
    /// </summary>
    /// <param name="mode">How the table keeps expiry.</param>
    /// <param name="slidingWindowMicroseconds">The entry's window; <see langword="null"/> when it does not slide.</param>
    /// <param name="expiryInstant"><c>expires_at</c>, or <c>last_active</c> in <see cref="ExpiryMode.LastActive"/>.</param>
    /// <param name="absoluteDeadline">The entry's absolute deadline, if any.</param>
    /// <param name="threshold">The share of the window that must pass before an extension.</param>
    /// <remarks>The SQL counterpart is <see cref="SqlCondition"/>.</remarks>
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
    /// <remarks>The SQL counterpart is <see cref="SqlExtendedExpiry"/>.</remarks>
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

    /// <summary>
    /// The SQL counterpart of <see cref="DueAt"/>: the condition under which the extension UPDATE touches a row, given as
    /// quoted columns (or parameters); it reads <c>@now</c> and <c>@threshold</c>. True exactly when <c>now</c> is at or past
    /// <see cref="DueAt"/>, to the microsecond the server stores (see the comment on the rounding inside).
    /// </summary>
    /// <param name="mode">How the table keeps expiry; <see cref="ExpiryMode.None"/> has nothing to extend.</param>
    /// <param name="expiryInstant">The <c>expires_at</c> column, or <c>last_active</c> in <see cref="ExpiryMode.LastActive"/>.</param>
    /// <param name="slidingWindowMicroseconds">The window: the <c>sliding_window_us</c> column, or the <c>@sliding_window_us</c> parameter in <see cref="ExpiryMode.LastActive"/>.</param>
    /// <param name="absoluteDeadline">The <c>absolute_expires_at</c> column; unused in <see cref="ExpiryMode.LastActive"/>.</param>
    public static string SqlCondition(ExpiryMode mode, string expiryInstant, string slidingWindowMicroseconds, string? absoluteDeadline = null) => mode switch
    {
        // expires_at < LEAST(now + window x (1 - threshold), deadline). A row without a window never slides: without the IS
        // NOT NULL the LEAST would fall back to the deadline and extend it anyway. CAST AS SIGNED because INTERVAL takes an
        // integer; it rounds where (long) in DueAt truncates, so when window x (1 - threshold) is not whole microseconds
        // the two may disagree for one microsecond: a read then sends an UPDATE that matches nothing, or extends one read later.
        ExpiryMode.ExpiryColumns => $"""
            {slidingWindowMicroseconds} IS NOT NULL AND {expiryInstant} < LEAST(COALESCE(DATE_ADD(@now, INTERVAL CAST({slidingWindowMicroseconds} * (1 - @threshold) AS SIGNED) MICROSECOND), {SqlMaxDateTime}),
                COALESCE({absoluteDeadline ?? throw new ArgumentNullException(nameof(absoluteDeadline))}, {SqlMaxDateTime}))
            """,

        // last_active < now - window x threshold.
        ExpiryMode.LastActive => $"{expiryInstant} < DATE_SUB(@now, INTERVAL CAST({slidingWindowMicroseconds} * @threshold AS SIGNED) MICROSECOND)",
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "A table without expiry has no extension."),
    };

    /// <summary>
    /// The SQL counterpart of <see cref="ExtendedExpiry"/>: the expression the extension UPDATE stores, given as quoted columns
    /// or parameters. For a <c>last_active</c> table that is <paramref name="now"/> itself; otherwise now plus the window,
    /// capped by <paramref name="absoluteDeadline"/> when there is one (a NULL deadline caps nothing) and by the end of
    /// <c>DATETIME</c>, where <c>DATE_ADD</c> would return NULL.
    /// </summary>
    /// <param name="mode">How the table keeps expiry.</param>
    /// <param name="slidingWindowMicroseconds">The window, a column or parameter in microseconds.</param>
    /// <param name="absoluteDeadline">The deadline column, or <see langword="null"/> where none applies.</param>
    /// <param name="now">The instant extended from; <c>@now</c> unless a caller extends from a stored instant.</param>
    public static string SqlExtendedExpiry(ExpiryMode mode, string slidingWindowMicroseconds, string? absoluteDeadline, string now = "@now")
    {
        if (mode == ExpiryMode.LastActive)
        {
            return now;
        }

        var extended = $"COALESCE(DATE_ADD({now}, INTERVAL {slidingWindowMicroseconds} MICROSECOND), {SqlMaxDateTime})";
        return absoluteDeadline is null ? extended : $"LEAST({extended}, COALESCE({absoluteDeadline}, {SqlMaxDateTime}))";
    }
}
