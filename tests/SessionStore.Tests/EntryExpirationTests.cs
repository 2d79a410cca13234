using Microsoft.Extensions.Caching.Distributed;
using SessionStore.Expiry;

namespace SessionStore.Tests;

public sealed class EntryExpirationTests
{
    private static readonly DateTimeOffset s_now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan s_defaultWindow = TimeSpan.FromMinutes(20);

    [Fact]
    public void Compute_NoExpirationGiven_UsesTheDefaultSlidingWindow()
    {
        var expiration = EntryExpiration.Compute(s_now, new DistributedCacheEntryOptions(), s_defaultWindow);

        Assert.Equal(s_now.UtcDateTime + s_defaultWindow, expiration.ExpiresAt);
        Assert.Equal(s_defaultWindow, expiration.SlidingWindow);
        Assert.Null(expiration.AbsoluteDeadline);
        Assert.Equal(20L * 60 * 1_000_000, expiration.SlidingWindowMicroseconds);
    }

    [Fact]
    public void Compute_AbsoluteOnly_ExpiresAtTheDeadlineWithoutSliding()
    {
        var deadline = s_now.AddHours(1);

        var expiration = EntryExpiration.Compute(s_now, new DistributedCacheEntryOptions { AbsoluteExpiration = deadline }, s_defaultWindow);

        Assert.Equal(deadline.UtcDateTime, expiration.ExpiresAt);
        Assert.Null(expiration.SlidingWindow);
        Assert.Equal(deadline.UtcDateTime, expiration.AbsoluteDeadline);
    }

    [Fact]
    public void Compute_RelativeAndFixedAbsolute_RelativeWins()
    {
        var options = new DistributedCacheEntryOptions
        {
            AbsoluteExpiration = s_now.AddHours(5),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(10),
        };

        var expiration = EntryExpiration.Compute(s_now, options, s_defaultWindow);

        Assert.Equal(s_now.UtcDateTime.AddMinutes(10), expiration.ExpiresAt);
    }

    [Fact]
    public void Compute_SlidingAndAbsolute_SlidingNeverPassesTheDeadline()
    {
        var options = new DistributedCacheEntryOptions
        {
            SlidingExpiration = TimeSpan.FromMinutes(30),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(45),
        };

        var expiration = EntryExpiration.Compute(s_now, options, s_defaultWindow);

        Assert.Equal(s_now.UtcDateTime.AddMinutes(30), expiration.ExpiresAt);
        Assert.Equal(s_now.UtcDateTime.AddMinutes(45), expiration.AbsoluteDeadline);
    }

    [Fact]
    public void Compute_DeadlineBeforeFirstSlidingEnd_ExpiresAtTheDeadline()
    {
        var options = new DistributedCacheEntryOptions
        {
            SlidingExpiration = TimeSpan.FromMinutes(30),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5),
        };

        Assert.Equal(s_now.UtcDateTime.AddMinutes(5), EntryExpiration.Compute(s_now, options, s_defaultWindow).ExpiresAt);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void Compute_AbsoluteExpirationNotInTheFuture_Throws(int secondsFromNow)
    {
        var options = new DistributedCacheEntryOptions { AbsoluteExpiration = s_now.AddSeconds(secondsFromNow) };

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => EntryExpiration.Compute(s_now, options, s_defaultWindow));

        Assert.Contains("must be in the future", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_NonPositiveSlidingExpiration_Throws()
    {
        // DistributedCacheEntryOptions itself refuses these in its setters; a zero from a subclass or reflection still stops here.
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.Zero });
        Assert.Throws<ArgumentOutOfRangeException>(() => new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(-1) });
    }

    [Fact]
    public void Compute_SlidingWindowPastYear9999_Throws()
    {
        var options = new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.MaxValue };

        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => EntryExpiration.Compute(s_now, options, s_defaultWindow));

        Assert.Contains("after the year 9999", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Compute_TruncatesToMicroseconds()
    {
        var now = s_now.AddTicks(7); // 700 ns past the second

        var expiration = EntryExpiration.Compute(now, new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromTicks(15) }, s_defaultWindow);

        Assert.Equal(TimeSpan.FromTicks(10), expiration.SlidingWindow);
        Assert.Equal(s_now.UtcDateTime.AddTicks(10), expiration.ExpiresAt);
        Assert.Equal(DateTimeKind.Utc, expiration.ExpiresAt.Kind);
    }
}
