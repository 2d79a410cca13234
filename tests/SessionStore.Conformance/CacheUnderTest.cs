using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Time.Testing;

namespace SessionStore.Conformance;

/// <summary>
/// A cache of the backend under test, its fake clock, and probes that read the store directly, around the cache: what
/// the tests need to see that an expired entry is refused while the store still holds it, where an expiry stands,
/// and that a refused operation wrote nothing.
/// </summary>
public abstract class CacheUnderTest : IDisposable
{
    /// <summary>Wraps <paramref name="cache"/>, which must also be an <see cref="IBufferDistributedCache"/>.</summary>
    protected CacheUnderTest(IDistributedCache cache, FakeTimeProvider clock)
    {
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentNullException.ThrowIfNull(clock);
        Cache = cache;
        Clock = clock;
    }

    /// <summary>The cache, as an application gets it from DI.</summary>
    public IDistributedCache Cache { get; }

    /// <summary>The same cache through its buffer API.</summary>
    public IBufferDistributedCache BufferCache => (IBufferDistributedCache)Cache;

    /// <summary>The cache's clock; tests move it instead of waiting.</summary>
    public FakeTimeProvider Clock { get; }

    /// <summary>Whether the store holds an entry for <paramref name="key"/>, live or expired.</summary>
    public abstract Task<bool> IsStoredAsync(string key);

    /// <summary>The expiry the store holds for <paramref name="key"/>'s entry (which must be stored): the instant the
    /// cache stops returning it unless it is used again.</summary>
    public abstract Task<DateTimeOffset> StoredExpiryAsync(string key);

    /// <summary>How many entries the store holds, live or expired, from every cache of the harness.</summary>
    public abstract Task<long> CountStoredEntriesAsync();

    /// <summary>Disposes the cache and what was built for it (its service provider).</summary>
    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Disposes the cache and what was built for it.</summary>
    protected abstract void Dispose(bool disposing);
}
