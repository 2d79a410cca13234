using System.Security.Cryptography;
using dotnet_etcd;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionStore.Etcd.DataProtection;

namespace SessionStore.Etcd.Tests.DataProtection;

/// <summary>
/// PersistKeysToEtcd as an app registers it, next to AddEtcdSessionCache: the property a farm needs (every server on the same
/// etcd and application name shares one key ring), the connection it borrows from the cache's options, and its validation.
/// </summary>
public sealed class PersistKeysToEtcdTests(EtcdServerFixture etcd) : IClassFixture<EtcdServerFixture>
{
    private const string Purpose = "SessionStore.Etcd.Tests";

    private readonly string _keyPrefix = $"dp-{Guid.NewGuid():N}/";
    private readonly string _cachePrefix = $"s-{Guid.NewGuid():N}/";

    private ServiceProvider Server(
        string? keyPrefix = null, Action<EtcdSessionCacheOptions>? cache = null, Action<IServiceCollection>? services = null, bool withCache = true)
    {
        var collection = new ServiceCollection();
        services?.Invoke(collection);
        if (withCache)
        {
            collection.AddEtcdSessionCache(o =>
            {
                o.Endpoints = [etcd.Endpoint];
                o.KeyPrefix = _cachePrefix;
                cache?.Invoke(o);
            });
        }

        collection.AddDataProtection()
            .SetApplicationName("etcd-farm")
            .PersistKeysToEtcd(o => o.KeyPrefix = keyPrefix ?? _keyPrefix);
        return collection.BuildServiceProvider();
    }

    private static IDataProtector Protector(IServiceProvider provider) =>
        provider.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);

    private static void ValidateOnStart(IServiceProvider provider) => provider.GetRequiredService<IStartupValidator>().Validate();

    [Fact]
    public async Task TwoServersOnOneEtcd_UnprotectWhatTheOtherProtected_WithOneSharedKey()
    {
        using var serverA = Server();
        using var serverB = Server();
        ValidateOnStart(serverA);

        var fromA = Protector(serverA).Protect("cart: 3 apples");
        var fromB = Protector(serverB).Protect("cart: 2 pears");

        Assert.Equal("cart: 3 apples", Protector(serverB).Unprotect(fromA));
        Assert.Equal("cart: 2 pears", Protector(serverA).Unprotect(fromB));
        using var client = new EtcdClient(etcd.Endpoint);
        var stored = await client.GetRangeAsync(_keyPrefix);
        Assert.StartsWith(_keyPrefix + "key-", Assert.Single(stored.Kvs).Key.ToStringUtf8(), StringComparison.Ordinal);
        Assert.Equal(0, (await client.GetRangeAsync(_cachePrefix)).Count);
    }

    [Fact]
    public void ServerOnAnotherPrefix_CannotUnprotect()
    {
        using var serverA = Server();
        using var stranger = Server(keyPrefix: $"dp-{Guid.NewGuid():N}/");
        var fromA = Protector(serverA).Protect("cart: 3 apples");

        var exception = Assert.Throws<CryptographicException>(() => Protector(stranger).Unprotect(fromA));

        Assert.Contains("was not found in the key ring", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void KeyRing_SurvivesARestartOfTheApp()
    {
        string protectedBeforeRestart;
        using (var beforeRestart = Server())
        {
            protectedBeforeRestart = Protector(beforeRestart).Protect("signed in as alice");
        }

        using var afterRestart = Server();

        Assert.Equal("signed in as alice", Protector(afterRestart).Unprotect(protectedBeforeRestart));
    }

    [Fact]
    public void WithTheCachesClientFromServices_UsesIt_AndRetriesItsTransientErrors()
    {
        var failing = new FailingCalls();
        var logger = new RecordingLogger();
        using var client = new EtcdClient(etcd.Endpoint, interceptors: [failing]);
        using var server = Server(
            cache: o =>
            {
                o.Endpoints = [];
                o.UseClientFromServices = true;
            },
            services: s => s.AddSingleton(client).AddSingleton<ILogger<EtcdXmlRepository>>(logger));
        ValidateOnStart(server);

        failing.Remaining = 2; // the key manager's first read of the ring meets a leader election
        var payload = Protector(server).Protect("x");

        Assert.Equal("x", Protector(server).Unprotect(payload));
        Assert.Equal(2, logger.EventNames.Count(name => name == "EtcdKeyRingTransientRetry"));
        Assert.Same(server.GetRequiredService<EtcdXmlRepository>(), server.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository);
    }

    [Fact]
    public void DefaultKeyPrefix_IsDataProtection()
    {
        Assert.Equal("dataprotection/", new EtcdXmlRepositoryOptions().KeyPrefix);
    }

    [Fact]
    public void WithoutAddEtcdSessionCache_FailsAtStart_SayingWhatToCall()
    {
        using var server = Server(withCache: false);

        var exception = Assert.Throws<OptionsValidationException>(() => ValidateOnStart(server));

        Assert.Contains("AddEtcdSessionCache", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("s-")]
    [InlineData("CACHE")]
    [InlineData("CACHE/more/")]
    public void KeyPrefix_EmptyOrOverlappingTheCaches_FailsAtStart_NamingTheProperty(string keyPrefix)
    {
        using var server = Server(keyPrefix: keyPrefix.Replace("CACHE", _cachePrefix, StringComparison.Ordinal));

        var exception = Assert.Throws<OptionsValidationException>(() => ValidateOnStart(server));

        Assert.Contains(nameof(EtcdXmlRepositoryOptions.KeyPrefix), exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RegisteredTwice_PointsTheKeyManagerAtOneStore()
    {
        var collection = new ServiceCollection();
        collection.AddEtcdSessionCache(o => o.Endpoints = [etcd.Endpoint]);
        collection.AddDataProtection().PersistKeysToEtcd().PersistKeysToEtcd();

        Assert.Single(collection, d => d.ServiceType == typeof(EtcdXmlRepository));
        Assert.Single(collection, d => d.ImplementationType == typeof(EtcdKeyManagementOptionsSetup));
    }
}
