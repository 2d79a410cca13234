using Microsoft.Extensions.Caching.Distributed;
using SessionStore.Expiry;
using SessionStore.Sql;

namespace SessionStore.Tests;

/// <summary>
/// The lazy-sliding rule, whose C# decision and SQL condition <see cref="ExtensionRule"/> states side by side. The SQL cannot
/// run here (no server), so <see cref="SqlSays"/> reads the condition's text the way the server evaluates it, and the tests
/// pin that text, so that a change to the SQL fails here until the reading is brought along. The integration tests
/// (LazySlidingTests) run the real statements.
/// </summary>
public sealed class ExtensionRuleTests
{
    private const long TwentyMinutesUs = 20L * 60 * 1_000_000;
    private static readonly DateTime s_now = new(2026, 11, 22, 12, 0, 0, DateTimeKind.Utc);

    public static TheoryData<string, long?, int, int?, double> BoundaryCases() => new()
    {
        // mode, window (µs), expiry instant (s from s_now), deadline (s from s_now), threshold
        { "ExpiryColumns", TwentyMinutesUs, 1200, null, 0.1 },
        { "ExpiryColumns", TwentyMinutesUs, 1200, null, 0.09 },
        { "ExpiryColumns", TwentyMinutesUs, 1200, 3600, 0.1 },
        { "ExpiryColumns", TwentyMinutesUs, 1200, 1300, 0.5 },   // the deadline comes before the extension would
        { "ExpiryColumns", TwentyMinutesUs, 1200, 1200, 0.1 },   // already at its deadline: never again
        { "ExpiryColumns", 3_000_000, 3, null, 0.25 },
        { "ExpiryColumns", null, 1200, 1200, 0.1 },              // absolute only: never
        { "LastActive", TwentyMinutesUs, 0, null, 0.1 },
        { "LastActive", TwentyMinutesUs, 0, null, 0.09 },
        { "LastActive", 3_000_000, -1, null, 0.25 },
    };

    [Theory]
    [MemberData(nameof(BoundaryCases))]
    public void DueAt_AgreesWithTheSqlCondition_AroundTheBoundary(string expiryMode, long? windowUs, int instantSeconds, int? deadlineSeconds, double threshold)
    {
        var mode = Enum.Parse<ExpiryMode>(expiryMode);
        var instant = s_now.AddSeconds(instantSeconds);
        DateTime? deadline = deadlineSeconds is { } d ? s_now.AddSeconds(d) : null;

        var dueAt = ExtensionRule.DueAt(mode, windowUs, instant, deadline, threshold);

        // The server compares instants to the microsecond; walk each microsecond around the boundary (or across the window
        // for an entry that never comes due).
        var first = dueAt == long.MaxValue ? instant.AddSeconds(-3) : new DateTime(dueAt, DateTimeKind.Utc).AddTicks(-3 * TimeSpan.TicksPerMicrosecond);
        var step = dueAt == long.MaxValue ? TimeSpan.FromMilliseconds(250) : TimeSpan.FromTicks(TimeSpan.TicksPerMicrosecond);
        for (var now = EntryExpiration.Truncate(first); now <= first + (step * 6); now += step)
        {
            Assert.True(
                SqlSays(mode, windowUs, instant, deadline, threshold, now) == (now.Ticks >= dueAt),
                $"At {now:O} the SQL condition says {SqlSays(mode, windowUs, instant, deadline, threshold, now)}, DueAt says {now.Ticks >= dueAt}.");
        }
    }

    [Fact]
    public void SqlCondition_ForExpiryColumns_IsTheConditionSqlSaysReads()
    {
        var condition = ExtensionRule.SqlCondition(ExpiryMode.ExpiryColumns, "`expires_at`", "`sliding_window_us`", "`absolute_expires_at`");

        Assert.Equal(
            "`sliding_window_us` IS NOT NULL AND `expires_at` < LEAST(COALESCE(DATE_ADD(@now, INTERVAL CAST(`sliding_window_us` * (1 - @threshold) AS SIGNED) MICROSECOND), '9999-12-31 23:59:59.999999'),\n" +
            "    COALESCE(`absolute_expires_at`, '9999-12-31 23:59:59.999999'))",
            condition.ReplaceLineEndings("\n"));
    }

    [Fact]
    public void SqlCondition_ForLastActive_IsTheConditionSqlSaysReads()
    {
        Assert.Equal(
            "`last_active` < DATE_SUB(@now, INTERVAL CAST(@sliding_window_us * @threshold AS SIGNED) MICROSECOND)",
            ExtensionRule.SqlCondition(ExpiryMode.LastActive, "`last_active`", "@sliding_window_us"));
    }

    [Fact]
    public void SqlCondition_WithoutExpiry_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ExtensionRule.SqlCondition(ExpiryMode.None, "`a`", "`b`"));
    }

    [Fact]
    public void ExtendedExpiry_SlidingAndAbsolute_NeverPassesTheDeadline()
    {
        var options = new DistributedCacheEntryOptions
        {
            SlidingExpiration = TimeSpan.FromMinutes(30),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(45),
        };
        var expiration = EntryExpiration.Compute(s_now, options, TimeSpan.FromMinutes(20));
        var window = expiration.SlidingWindowMicroseconds!.Value;

        Assert.Equal(s_now.AddMinutes(40), ExtensionRule.ExtendedExpiry(ExpiryMode.ExpiryColumns, window, expiration.AbsoluteDeadline, s_now.AddMinutes(10)));
        Assert.Equal(s_now.AddMinutes(45), ExtensionRule.ExtendedExpiry(ExpiryMode.ExpiryColumns, window, expiration.AbsoluteDeadline, s_now.AddMinutes(30)));
    }

    [Fact]
    public void ExtendedExpiry_PastTheEndOfDateTime_IsCappedThere()
    {
        Assert.Equal(DateTime.MaxValue, ExtensionRule.ExtendedExpiry(ExpiryMode.ExpiryColumns, TwentyMinutesUs, null, DateTime.MaxValue.AddMinutes(-1)));
    }

    [Fact]
    public void ExtendedExpiry_ForLastActive_IsNow()
    {
        Assert.Equal(s_now, ExtensionRule.ExtendedExpiry(ExpiryMode.LastActive, TwentyMinutesUs, null, s_now));
        Assert.Equal("@now", ExtensionRule.SqlExtendedExpiry(ExpiryMode.LastActive, "@sliding_window_us", null));
    }

    [Fact]
    public void SqlExtendedExpiry_IsNowPlusTheWindow_CappedByTheDeadlineAndTheEndOfDateTime()
    {
        Assert.Equal(
            "LEAST(COALESCE(DATE_ADD(@now, INTERVAL `w` MICROSECOND), '9999-12-31 23:59:59.999999'), COALESCE(`d`, '9999-12-31 23:59:59.999999'))",
            ExtensionRule.SqlExtendedExpiry(ExpiryMode.ExpiryColumns, "`w`", "`d`"));
        Assert.Equal(
            "COALESCE(DATE_ADD(`from`, INTERVAL `w` MICROSECOND), '9999-12-31 23:59:59.999999')",
            ExtensionRule.SqlExtendedExpiry(ExpiryMode.ExpiryColumns, "`w`", absoluteDeadline: null, now: "`from`"));
    }

    /// <summary>
    /// What the server answers for <see cref="ExtensionRule.SqlCondition"/> (text pinned above), read term by term: instants
    /// to the microsecond, <c>CAST(… AS SIGNED)</c> rounding half away from zero, <c>DATE_ADD</c> past 9999 giving NULL,
    /// and a NULL window making the comparison false.
    /// </summary>
    private static bool SqlSays(ExpiryMode mode, long? windowUs, DateTime instant, DateTime? deadline, double threshold, DateTime now)
    {
        static long CastAsSigned(double value) => (long)Math.Round(value, MidpointRounding.AwayFromZero);
        var maxDateTime = new DateTime(9999, 12, 31, 23, 59, 59, DateTimeKind.Utc).AddTicks(9_999_990);

        if (windowUs is not { } window)
        {
            return false;
        }

        if (mode == ExpiryMode.LastActive)
        {
            return instant < now.AddTicks(-CastAsSigned(window * threshold) * TimeSpan.TicksPerMicrosecond);
        }

        var ticks = CastAsSigned(window * (1 - threshold)) * TimeSpan.TicksPerMicrosecond;
        var slid = maxDateTime.Ticks - now.Ticks < ticks ? maxDateTime : now.AddTicks(ticks);
        var cap = deadline ?? maxDateTime;
        return instant < (slid < cap ? slid : cap);
    }
}
