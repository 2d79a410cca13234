using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SessionStore.Conformance;

namespace SessionStore.Etcd.Tests.Conformance;

/// <summary>
/// The conformance suite's harness on the fixture's etcd, under a key prefix of its own (one per test class instance, so
/// one per test): caches through <c>AddEtcdSessionCache</c>, as an app builds them.
/// </summary>
internal sealed class EtcdCacheHarness(EtcdServerFixture etcd) : ICacheHarness
{
    private readonly string _prefix = $"conformance-{Guid.NewGuid():N}/";

    /// <summary>
    /// 1,500,000 bytes: about 70 KB below the largest value etcd's default request limit (1,572,864 bytes) leaves room for
    /// once the key, the envelope and the framing are counted (<c>EtcdSessionCache.MaxValueLength</c>).
    /// </summary>
    public int LargeValueLength => 1_500_000;

    public CacheUnderTest Create(Action<ConformanceOptions>? configure = null)
    {
        var conformance = new ConformanceOptions();
        configure?.Invoke(conformance);
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(clock)
            .AddEtcdSessionCache(o =>
            {
                o.Endpoints = [etcd.Endpoint];
                o.KeyPrefix = _prefix;
                if (conformance.DefaultSlidingExpiration is { } window)
                {
                    o.DefaultSlidingExpiration = window;
                }

                if (conformance.SlidingExtensionThreshold is { } threshold)
                {
                    o.SlidingExtensionThreshold = threshold;
                }
            })
            .BuildServiceProvider();
        return new EtcdCacheUnderTest(provider, clock, etcd.Endpoint, _prefix);
    }
}
