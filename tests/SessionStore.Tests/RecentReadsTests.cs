using MySqlConnector;
using SessionStore.Expiry;
using SessionStore.Connections;

namespace SessionStore.Tests;

public sealed class RecentReadsTests
{
    private const long TwentyMinutesUs = 20L * 60 * 1_000_000;

    [Fact]
    public void CoversRefresh_WithinATenthOfTheThresholdAfterARead_IsTrue()
    {
        var reads = new RecentReads(0.1);
        reads.Record("id", 0, TwentyMinutesUs);

        // 0.1 × 0.1 × 20 min = 12 s
        Assert.True(reads.CoversRefresh("id", TimeSpan.FromSeconds(11.999).Ticks));
        Assert.False(reads.CoversRefresh("id", TimeSpan.FromSeconds(12.001).Ticks));
    }

    [Fact]
    public void CoversRefresh_OtherIdOrNoRead_IsFalse()
    {
        var reads = new RecentReads(0.1);
        reads.Record("id", 0, TwentyMinutesUs);

        Assert.False(reads.CoversRefresh("other", 1));
        Assert.False(new RecentReads(0.1).CoversRefresh("id", 1));
    }

    [Fact]
    public void CoversRefresh_EntryWithoutSlidingWindow_IsTrueForOneSecond()
    {
        var reads = new RecentReads(0.1);
        reads.Record("id", 0, null);

        Assert.True(reads.CoversRefresh("id", TimeSpan.FromSeconds(1).Ticks));
        Assert.False(reads.CoversRefresh("id", TimeSpan.FromSeconds(1).Ticks + 1));
    }

    [Fact]
    public void Forget_MakesTheNextRefreshGoToTheServer()
    {
        var reads = new RecentReads(0.1);
        reads.Record("id", 0, TwentyMinutesUs);

        reads.Forget("id");

        Assert.False(reads.CoversRefresh("id", 0));
    }

    [Fact]
    public void Thresholds_GetExtendsSlightlyEarlierThanRefresh()
    {
        var reads = new RecentReads(0.1);

        Assert.Equal(0.09, reads.GetThreshold, 10);
        Assert.Equal(0.1, reads.RefreshThreshold);
    }

    [Fact]
    public void ForOwnedPool_TurnsOffConnectionReset_UnlessTheDsnSaysOtherwise()
    {
        Assert.False(new MySqlConnectionStringBuilder(ConnectionSource.ForOwnedPool("Server=h")).ConnectionReset);
        Assert.True(new MySqlConnectionStringBuilder(ConnectionSource.ForOwnedPool("Server=h;Connection Reset=true")).ConnectionReset);
        Assert.True(new MySqlConnectionStringBuilder(ConnectionSource.ForOwnedPool("Server=h;connectionreset=true")).ConnectionReset);
    }
}
