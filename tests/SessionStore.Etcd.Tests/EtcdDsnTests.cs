using SessionStore.Etcd.Configuration;

namespace SessionStore.Etcd.Tests;

public class EtcdDsnTests
{
    [Fact]
    public void Parse_OneMember_ReturnsItsUrl() =>
        Assert.Equal(["http://127.0.0.1:2379/"], EtcdDsn.Parse("host=127.0.0.1;port=2379", useTls: false).Select(u => u.ToString()));

    [Fact]
    public void Parse_SeveralMembers_ReturnsEachInOrder() =>
        Assert.Equal(["http://a:2379/", "http://b:2380/"], EtcdDsn.Parse("host=a;port=2379, host=b;port=2380", useTls: false).Select(u => u.ToString()));

    [Fact]
    public void Parse_WithoutPort_UsesEtcdsClientPort() =>
        Assert.Equal(2379, EtcdDsn.Parse("host=etcd.internal", useTls: false)[0].Port);

    [Fact]
    public void Parse_WithTls_ReturnsHttpsUrls() =>
        Assert.Equal("https", EtcdDsn.Parse("host=a;port=2379", useTls: true)[0].Scheme);

    [Fact]
    public void Parse_Ipv6Host_IsBracketed() =>
        Assert.Equal("http://[::1]:2379/", EtcdDsn.Parse("host=::1;port=2379", useTls: false)[0].ToString());

    [Theory]
    [InlineData("port=2379", "no host")]
    [InlineData("host=a;port=http", "port")]
    [InlineData("host=a;port=70000", "port")]
    [InlineData("host=a;database=x", "'database'")]
    [InlineData("host=a,port=1", "member 2")]
    public void Parse_Malformed_ThrowsNamingTheProblem(string dsn, string expected)
    {
        var ex = Assert.Throws<FormatException>(() => EtcdDsn.Parse(dsn, useTls: false));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
