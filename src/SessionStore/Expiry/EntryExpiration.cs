using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.Expiry;

/// <summary>
/// When an entry expires, as stored: <see cref="ExpiresAt"/> is the instant it stops being returned; a sliding entry moves it
/// forward on each read or refresh, never past <see cref="AbsoluteDeadline"/>. All instants are UTC, truncated to the
/// microsecond precision of <c>DATETIME(6)</c>.
/// </summary>
internal readonly record struct EntryExpiration(DateTime ExpiresAt, TimeSpan? SlidingWindow, DateTime? AbsoluteDeadline)
{
    /// <summary>
    /// Computes the expiration of an entry written at <paramref name="now"/>. A relative absolute expiration wins over a fixed
    /// one (as in the other distributed caches); with neither and no sliding expiration, <paramref name="defaultSlidingWindow"/>
    /// applies. Throws <see cref="ArgumentOutOfRangeException"/> for a deadline not in the future, a non-positive duration, or
    /// one that ends after the year 9999.
    /// </summary>
    public static EntryExpiration Compute(DateTimeOffset now, DistributedCacheEntryOptions options, TimeSpan defaultSlidingWindow)
    {
        ArgumentNullException.ThrowIfNull(options);
        var nowUtc = Truncate(now.UtcDateTime);

        DateTime? deadline = null;
        if (options.AbsoluteExpirationRelativeToNow is { } relative)
        {
            if (relative <= TimeSpan.Zero)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(options), relative, "The relative absolute expiration (AbsoluteExpirationRelativeToNow) must be positive.");
            }

            deadline = Add(nowUtc, relative)
                ?? throw TooFar(nameof(options), nameof(DistributedCacheEntryOptions.AbsoluteExpirationRelativeToNow), relative);
        }
        else if (options.AbsoluteExpiration is { } absolute)
        {
            if (absolute <= now)
            {
                throw new ArgumentOutOfRangeException(
                    nameof(options), absolute, "The absolute expiration (AbsoluteExpiration) must be in the future.");
            }

            deadline = Truncate(absolute.UtcDateTime);
        }

        var sliding = options.SlidingExpiration;
        if (sliding is { } window && window <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), window, "The sliding expiration (SlidingExpiration) must be positive.");
        }

        if (sliding is null && deadline is null)
        {
            sliding = defaultSlidingWindow;
        }

        if (sliding is { } slidingWindow)
        {
            // Whole microseconds: that is what the sliding_window_us column holds and what DATE_ADD adds on refresh.
            slidingWindow = TimeSpan.FromTicks(Math.Max(slidingWindow.Ticks - (slidingWindow.Ticks % TimeSpan.TicksPerMicrosecond), TimeSpan.TicksPerMicrosecond));
            var slidingEnd = Add(nowUtc, slidingWindow)
                ?? throw TooFar(nameof(options), nameof(DistributedCacheEntryOptions.SlidingExpiration), slidingWindow);
            var expiresAt = deadline is { } d && d < slidingEnd ? d : slidingEnd;
            return new EntryExpiration(expiresAt, slidingWindow, deadline);
        }

        return new EntryExpiration(deadline!.Value, null, deadline);
    }

    /// <summary>The sliding window in whole microseconds, as stored, or <see langword="null"/>.</summary>
    public long? SlidingWindowMicroseconds => SlidingWindow is { } window ? window.Ticks / TimeSpan.TicksPerMicrosecond : null;

    /// <summary>Truncates to whole microseconds and marks the value as UTC.</summary>
    public static DateTime Truncate(DateTime utc) =>
        new(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMicrosecond), DateTimeKind.Utc);

    private static DateTime? Add(DateTime now, TimeSpan duration) => DateTime.MaxValue - now <= duration ? null : now + duration;

    private static ArgumentOutOfRangeException TooFar(string parameterName, string optionName, TimeSpan duration) =>
        new(parameterName, duration, $"The {optionName} of {duration} ends after the year 9999, which a DATETIME column cannot hold.");
}
