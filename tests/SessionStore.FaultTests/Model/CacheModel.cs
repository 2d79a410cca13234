using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.FaultTests.Model;

/// <summary>
/// The <see cref="IDistributedCache"/> contract as a dictionary, written from the contract rather than from the cache's
/// code: an entry lives while now &lt; its expiry; an absolute expiration (relative wins over fixed) is a deadline; a
/// sliding one moves the expiry to min(now + window, deadline) on every Get or Refresh of a live entry (exact, because the
/// test sets <c>SlidingExtensionThreshold = 0</c>); an entry with neither slides by the default window.
/// </summary>
internal sealed class CacheModel(TimeSpan defaultSlidingExpiration)
{
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public void Set(DateTimeOffset now, string key, byte[] value, DistributedCacheEntryOptions options)
    {
        var deadline = options.AbsoluteExpirationRelativeToNow is { } relative ? now + relative : options.AbsoluteExpiration;
        var window = options.SlidingExpiration ?? (deadline is null ? defaultSlidingExpiration : null);
        var expiresAt = window is { } w ? Earlier(now + w, deadline) : deadline!.Value;
        _entries[key] = new Entry(value.ToArray(), expiresAt, window, deadline);
    }

    public byte[]? Get(DateTimeOffset now, string key) => Touch(now, key)?.Value;

    public void Refresh(DateTimeOffset now, string key) => Touch(now, key);

    public void Remove(string key) => _entries.Remove(key);

    private Entry? Touch(DateTimeOffset now, string key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            return null;
        }

        if (now >= entry.ExpiresAt)
        {
            _entries.Remove(key);
            return null;
        }

        if (entry.Window is { } window)
        {
            entry = entry with { ExpiresAt = Earlier(now + window, entry.Deadline) };
            _entries[key] = entry;
        }

        return entry;
    }

    private static DateTimeOffset Earlier(DateTimeOffset instant, DateTimeOffset? deadline) =>
        deadline is { } d && d < instant ? d : instant;

    private sealed record Entry(byte[] Value, DateTimeOffset ExpiresAt, TimeSpan? Window, DateTimeOffset? Deadline);
}
