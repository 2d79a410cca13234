using System.Xml.Linq;
using dotnet_etcd;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using SessionStore.Etcd.Connections;
using SessionStore.Etcd.DataProtection;

namespace SessionStore.Etcd.Tests.DataProtection;

/// <summary>The key ring store against a real etcd: each test owns its prefix.</summary>
public sealed class EtcdXmlRepositoryTests(EtcdServerFixture etcd) : IClassFixture<EtcdServerFixture>, IDisposable
{
    private const string RetryEvent = "EtcdKeyRingTransientRetry";

    private readonly string _prefix = $"dp-{Guid.NewGuid():N}/";
    private readonly List<IDisposable> _owned = [];

    public void Dispose() => _owned.ForEach(d => d.Dispose());

    private EtcdClient Client(FailingCalls? failing = null)
    {
        var client = failing is null ? new EtcdClient(etcd.Endpoint) : new EtcdClient(etcd.Endpoint, interceptors: [failing]);
        _owned.Add(client);
        return client;
    }

    private EtcdXmlRepository Repository(EtcdClient? client = null, RecordingLogger? logger = null, string? prefix = null)
    {
        var repository = new EtcdXmlRepository(
            new EtcdXmlRepositoryOptions { KeyPrefix = prefix ?? _prefix },
            client ?? Client(),
            ownsClient: false,
            new EtcdRequestDeadline(TimeSpan.FromSeconds(2)),
            logger is null ? NullLogger<EtcdXmlRepository>.Instance : logger);
        _owned.Add(repository);
        return repository;
    }

    [Fact]
    public void GetAllElements_OfAnEmptyRing_ReturnsNone()
    {
        Assert.Empty(Repository().GetAllElements());
    }

    [Fact]
    public async Task StoreElement_ThenGetAllElements_ReturnsEveryElement_UnderPrefixAndFriendlyName()
    {
        var writer = Repository();
        writer.StoreElement(new XElement("key", new XAttribute("id", "1"), "first"), "key-1");
        writer.StoreElement(new XElement("revocation", "second"), "revocation-2");

        // Another server's store on the same prefix reads both.
        var elements = Repository().GetAllElements();

        Assert.Equal(["first", "second"], elements.Select(e => e.Value));
        Assert.Equal("1", elements.First().Attribute("id")?.Value);
        var stored = await Client().GetRangeAsync(_prefix);
        Assert.Equal([_prefix + "key-1", _prefix + "revocation-2"], stored.Kvs.Select(kv => kv.Key.ToStringUtf8()));
        Assert.All(stored.Kvs, kv => Assert.Equal(0, kv.Lease)); // the key manager never deletes an element: no lease
    }

    [Fact]
    public void StoreElement_UnderAnExistingName_ReplacesIt()
    {
        var repository = Repository();
        repository.StoreElement(new XElement("key", "old"), "key-1");
        repository.StoreElement(new XElement("key", "new"), "key-1");

        Assert.Equal("new", Assert.Single(repository.GetAllElements()).Value);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    public async Task StoreElement_WithoutAFriendlyName_StoresUnderANewUniqueName(string? friendlyName)
    {
        var repository = Repository();
        repository.StoreElement(new XElement("key", "a"), friendlyName!);
        repository.StoreElement(new XElement("key", "b"), friendlyName!);

        Assert.Equal(2, repository.GetAllElements().Count);
        var stored = await Client().GetRangeAsync(_prefix);
        Assert.All(stored.Kvs, kv => Assert.StartsWith(_prefix + "element-", kv.Key.ToStringUtf8(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetAllElements_ReadsOnlyItsPrefix()
    {
        var trimmed = _prefix.TrimEnd('/');
        await Client().PutAsync(trimmed, "<key>no slash</key>");
        await Client().PutAsync(trimmed + "0/key-1", "<key>next prefix</key>");
        await Client().PutAsync(trimmed + "//key-1", "<key>nested</key>");

        Assert.Equal("nested", Assert.Single(Repository().GetAllElements()).Value);
    }

    [Fact]
    public async Task GetAllElements_SkipsAnElementThatIsNotXml_AndWarns()
    {
        var logger = new RecordingLogger();
        var repository = Repository(logger: logger);
        repository.StoreElement(new XElement("key", "good"), "key-1");
        await Client().PutAsync(_prefix + "key-2", "not <xml");

        Assert.Equal("good", Assert.Single(repository.GetAllElements()).Value);
        Assert.Contains("EtcdUnreadableKeyElementSkipped", logger.EventNames);
    }

    [Fact]
    public void TransientErrors_AreRetried_AsTheCacheRetriesThem()
    {
        var failing = new FailingCalls();
        var logger = new RecordingLogger();
        var repository = Repository(Client(failing), logger);

        failing.Remaining = 3;
        repository.StoreElement(new XElement("key", "first"), "key-1");
        Assert.Equal(3, logger.EventNames.Count(name => name == RetryEvent));

        failing.Failure = new RpcException(new Status(StatusCode.DeadlineExceeded, "context deadline exceeded"));
        failing.Remaining = 2;
        Assert.Equal("first", Assert.Single(repository.GetAllElements()).Value);
        Assert.Equal(5, logger.EventNames.Count(name => name == RetryEvent));
    }

    [Fact]
    public void TransientErrors_BeyondTheCachesAttempts_Escape()
    {
        var failing = new FailingCalls { Remaining = EtcdTransientErrors.MaxAttempts };
        var repository = Repository(Client(failing));

        var exception = Assert.Throws<RpcException>(() => repository.GetAllElements());

        Assert.Equal(StatusCode.Unavailable, exception.StatusCode);
        Assert.Equal(0, failing.Remaining);
    }

    [Fact]
    public void OtherErrors_AreNotRetried()
    {
        var failing = new FailingCalls { Failure = new RpcException(new Status(StatusCode.PermissionDenied, "etcdserver: permission denied")), Remaining = 1 };
        var logger = new RecordingLogger();
        var repository = Repository(Client(failing), logger);

        var exception = Assert.Throws<RpcException>(() => repository.StoreElement(new XElement("key"), "key-1"));

        Assert.Equal(StatusCode.PermissionDenied, exception.StatusCode);
        Assert.DoesNotContain(RetryEvent, logger.EventNames);
    }

    [Fact]
    public void AfterDispose_CallsThrowObjectDisposed()
    {
        var repository = Repository();
        repository.Dispose();

        Assert.Throws<ObjectDisposedException>(() => repository.GetAllElements());
        Assert.Throws<ObjectDisposedException>(() => repository.StoreElement(new XElement("key"), "key-1"));
    }

    [Theory]
    [InlineData("dataprotection/", "dataprotection0")]
    [InlineData("a\u00ff", "b")]
    [InlineData("\u00ff", "\0")]
    public void RangeEnd_IsThePrefixWithItsLastByteBelow0xFFIncremented(string prefix, string expected)
    {
        var bytes = prefix.Select(c => (byte)c).ToArray();
        var end = EtcdXmlRepository.RangeEnd(Google.Protobuf.ByteString.CopyFrom(bytes));

        Assert.Equal(expected.Select(c => (byte)c).ToArray(), end.ToByteArray());
    }
}
