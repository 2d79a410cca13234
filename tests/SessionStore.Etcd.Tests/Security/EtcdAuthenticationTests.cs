using Grpc.Core;
using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.Etcd.Tests.Security;

/// <summary>The cache against an etcd with authentication enabled and a user whose role covers only <c>sessions/</c>.</summary>
public sealed class EtcdAuthenticationTests(EtcdAuthFixture etcd) : IClassFixture<EtcdAuthFixture>, IDisposable
{
    private readonly List<IDisposable> _owned = [];

    public void Dispose() => _owned.ForEach(d => d.Dispose());

    private EtcdSessionCache Cache(string user, string password)
    {
        var (services, cache) = SecuredCacheFactory.Create(options =>
        {
            options.Endpoints = [etcd.Endpoint];
            options.User = user;
            options.Password = password;
            options.KeyPrefix = $"sessions/{Guid.NewGuid():N}/";
        });
        _owned.Add(services);
        return cache;
    }

    [Fact]
    public async Task SetGetRemove_AsAUserWithReadWriteOnThePrefix_Works()
    {
        var cache = Cache(EtcdAuthFixture.AppUser, EtcdAuthFixture.AppPassword);
        var key = Guid.NewGuid().ToString();
        await cache.SetAsync(key, [1, 2, 3], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(5) });
        Assert.Equal(new byte[] { 1, 2, 3 }, await cache.GetAsync(key));
        cache.Set(key, [4], new DistributedCacheEntryOptions());
        Assert.Equal(new byte[] { 4 }, cache.Get(key));
        await cache.RefreshAsync(key);
        await cache.RemoveAsync(key);
        Assert.Null(await cache.GetAsync(key));
        cache.Remove(key);
    }

    [Fact]
    public async Task Operations_AfterTheTokenExpired_StillWork()
    {
        var cache = Cache(EtcdAuthFixture.AppUser, EtcdAuthFixture.AppPassword);
        var key = Guid.NewGuid().ToString();
        await cache.SetAsync(key, [1], new DistributedCacheEntryOptions());

        // The token is the server's, on the server's real clock: only real waiting outlives it.
        await Task.Delay(EtcdAuthFixture.TokenTtl + TimeSpan.FromSeconds(2));

        Assert.Equal(new byte[] { 1 }, await cache.GetAsync(key));
        await cache.SetAsync(key, [2], new DistributedCacheEntryOptions());
        Assert.Equal(new byte[] { 2 }, cache.Get(key));
    }

    [Fact]
    public async Task FirstOperation_WithAWrongPassword_FailsSayingAuthenticationFailed()
    {
        // Building the cache does not authenticate; the first request does, and fails without retries.
        var cache = Cache(EtcdAuthFixture.AppUser, "not-the-password");
        var exception = await Assert.ThrowsAsync<RpcException>(() => cache.GetAsync(Guid.NewGuid().ToString()));
        Assert.Equal(StatusCode.InvalidArgument, exception.StatusCode);
        Assert.Contains("authentication failed, invalid user ID or password", exception.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FirstOperation_AsAUserWithoutPermissionOnThePrefix_FailsSayingPermissionDenied()
    {
        var cache = Cache(EtcdAuthFixture.OutsiderUser, EtcdAuthFixture.OutsiderPassword);
        var write = await Assert.ThrowsAsync<RpcException>(() => cache.SetAsync(Guid.NewGuid().ToString(), [1], new DistributedCacheEntryOptions()));
        Assert.Equal(StatusCode.PermissionDenied, write.StatusCode);
        Assert.Contains("permission denied", write.Status.Detail, StringComparison.Ordinal);
        var read = await Assert.ThrowsAsync<RpcException>(() => cache.GetAsync(Guid.NewGuid().ToString()));
        Assert.Equal(StatusCode.PermissionDenied, read.StatusCode);
    }
}
