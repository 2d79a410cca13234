using Grpc.Core;
using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.Etcd.Tests.Security;

/// <summary>The cache against an etcd that serves clients over TLS with a certificate from a private CA.</summary>
public sealed class EtcdTlsTests(EtcdTlsFixture etcd) : IClassFixture<EtcdTlsFixture>, IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public void Dispose() => _owned.ForEach(d => d.Dispose());

    private EtcdSessionCache Cache(Action<EtcdSessionCacheOptions> configure)
    {
        var (services, cache) = SecuredCacheFactory.Create(options =>
        {
            options.KeyPrefix = $"sessions/{Guid.NewGuid():N}/";
            configure(options);
        });
        _owned.Add(services);
        return cache;
    }

    [Fact]
    public async Task SetGetRemove_WithTheCaFile_RoundTrips()
    {
        var cache = Cache(o =>
        {
            o.Dsn = etcd.Dsn;
            o.UseTls = true;
            o.CaCertificateFile = etcd.CaFile;
        });
        var key = Guid.NewGuid().ToString();
        await cache.SetAsync(key, [1, 2, 3], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(5) });
        Assert.Equal(new byte[] { 1, 2, 3 }, await cache.GetAsync(key));
        cache.Set(key, [4], new DistributedCacheEntryOptions());
        Assert.Equal(new byte[] { 4 }, cache.Get(key));
        await cache.RemoveAsync(key);
        Assert.Null(await cache.GetAsync(key));
    }

    [Fact]
    public async Task SetGet_WithHttpsEndpointsAndTheCaFile_RoundTrips()
    {
        var cache = Cache(o =>
        {
            o.Endpoints = [etcd.Endpoint];
            o.UseTls = true;
            o.CaCertificateFile = etcd.CaFile;
        });
        var key = Guid.NewGuid().ToString();
        await cache.SetAsync(key, [7], new DistributedCacheEntryOptions());
        Assert.Equal(new byte[] { 7 }, await cache.GetAsync(key));
    }

    [Fact]
    public async Task FirstOperation_WithoutTheCaFile_FailsSayingTheCertificateIsNotTrusted()
    {
        var cache = Cache(o =>
        {
            o.Dsn = etcd.Dsn;
            o.UseTls = true;
        });
        // The driver's own exception, not wrapped: Internal (not retried), naming the TLS handshake and the chain.
        var exception = await Assert.ThrowsAsync<RpcException>(() => cache.GetAsync(Guid.NewGuid().ToString()));
        Assert.Equal(StatusCode.Internal, exception.StatusCode);
        Assert.Contains("SSL connection could not be established", exception.Status.Detail, StringComparison.Ordinal);
        Assert.Contains("certificate chain", exception.Status.Detail, StringComparison.Ordinal);
    }
}
