using SessionStore.Conformance;
using ConformanceCache = SessionStore.Conformance.CacheUnderTest;

namespace SessionStore.IntegrationTests.Conformance;

/// <summary>The conformance suite's harness on a table of its own: caches through <c>AddDbiSessionCache</c>.</summary>
internal sealed class MySqlCacheHarness(SessionTableFixture table) : ICacheHarness
{
    /// <summary>Large, but within the default <c>max_allowed_packet</c> of both families (64 MiB) and the 16 MiB column.</summary>
    public int LargeValueLength => 5 * 1024 * 1024;

    public ConformanceCache Create(Action<ConformanceOptions>? configure = null)
    {
        var conformance = new ConformanceOptions();
        configure?.Invoke(conformance);
        return new MySqlCacheUnderTest(table, table.CreateCache(o =>
        {
            if (conformance.DefaultSlidingExpiration is { } window)
            {
                o.DefaultSlidingExpiration = window;
            }

            if (conformance.SlidingExtensionThreshold is { } threshold)
            {
                o.SlidingExtensionThreshold = threshold;
            }
        }));
    }
}
