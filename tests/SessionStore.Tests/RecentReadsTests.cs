using MySqlConnector;
using SessionStore.Expiry;
using SessionStore.Connections;

namespace SessionStore.Tests;

public sealed class RecentReadsTests
{
    [Fact]
    public void IsExtensionDue_FromTheRecordedInstantOn_ForThatIdOnly()
    {
        var reads = new RecentReads();
        reads.Record("id", 100);

        Assert.False(reads.IsExtensionDue("id", 99));
        Assert.True(reads.IsExtensionDue("id", 100));
        Assert.False(reads.IsExtensionDue("other", 100));
        Assert.False(new RecentReads().IsExtensionDue("id", 100));
    }

    [Fact]
    public void Forget_MakesTheNextReadDecideFromTheRow()
    {
        var reads = new RecentReads();
        reads.Record("id", 0);

        reads.Forget("id");

        Assert.False(reads.IsExtensionDue("id", 1));
    }

    [Fact]
    public void ForOwnedPool_TurnsOffConnectionReset_UnlessTheDsnSaysOtherwise()
    {
        Assert.False(new MySqlConnectionStringBuilder(ConnectionSource.ForOwnedPool("Server=h")).ConnectionReset);
        Assert.True(new MySqlConnectionStringBuilder(ConnectionSource.ForOwnedPool("Server=h;Connection Reset=true")).ConnectionReset);
        Assert.True(new MySqlConnectionStringBuilder(ConnectionSource.ForOwnedPool("Server=h;connectionreset=true")).ConnectionReset);
    }
}
