namespace SessionStore.Expiry;

/// <summary>
/// Remembers, per stored id, when this process last read a live entry, its sliding window and when it is next due for an
/// extension, so that the <c>Refresh</c> the session middleware sends right after its <c>Get</c> can be answered without a
/// round trip, and so that a Get that is due sends its extension in the same round trip as the read.
/// </summary>
/// <remarks>
/// When a Get extends and how long after it a Refresh is redundant are <see cref="ExtensionRule"/>'s to say
/// (<see cref="ExtensionRule.GetThreshold"/>, <see cref="ExtensionRule.RefreshSkipTicks"/>); this class only remembers the
/// reads. The table is a fixed array indexed by a hash of the id: bounded memory, no locks; a collision only costs a Refresh
/// that could have been skipped.
/// </remarks>
internal sealed class RecentReads
{
    private const int Slots = 4096;

    private readonly RecentRead?[] _slots = new RecentRead?[Slots];
    private readonly double _threshold;

    public RecentReads(double threshold)
    {
        _threshold = threshold;
    }

    /// <summary>The threshold a Get applies: a little earlier than a Refresh's, to leave room for skipping the Refresh.</summary>
    public double GetThreshold => ExtensionRule.GetThreshold(_threshold);

    /// <summary>The threshold a Refresh applies.</summary>
    public double RefreshThreshold => _threshold;

    /// <summary>
    /// Remembers a read of a live entry at <paramref name="timestamp"/>; <paramref name="extensionDueAt"/> is when a Get
    /// would next extend it (<see cref="long.MaxValue"/> for never), as computed from the row the read returned.
    /// </summary>
    public void Record(string id, long timestamp, long? slidingWindowMicroseconds, long extensionDueAt = long.MaxValue) =>
        Volatile.Write(ref _slots[SlotOf(id)], new RecentRead(id, timestamp, slidingWindowMicroseconds, extensionDueAt));

    /// <summary>
    /// Whether, by what this process last read, a Get of <paramref name="id"/> at <paramref name="timestamp"/> is due to
    /// extend the entry, so that the extension should go in the same round trip as the read. Unknown ids are not due: the
    /// read returns what is needed to decide.
    /// </summary>
    public bool IsExtensionDue(string id, long timestamp)
    {
        var read = Volatile.Read(ref _slots[SlotOf(id)]);
        return read is not null && string.Equals(read.Id, id, StringComparison.Ordinal) && timestamp >= read.ExtensionDueAt;
    }

    /// <summary>Whether a Refresh of <paramref name="id"/> at <paramref name="timestamp"/> would change nothing.</summary>
    public bool CoversRefresh(string id, long timestamp)
    {
        var read = Volatile.Read(ref _slots[SlotOf(id)]);
        if (read is null || !string.Equals(read.Id, id, StringComparison.Ordinal) || timestamp < read.Timestamp)
        {
            return false;
        }

        if (read.SlidingWindowMicroseconds is not { } window)
        {
            // No sliding window: a Refresh has nothing to extend. Trusted for a second only, because another server may
            // meanwhile have written the entry again with a window.
            return timestamp - read.Timestamp <= TimeSpan.TicksPerSecond;
        }

        return timestamp - read.Timestamp <= ExtensionRule.RefreshSkipTicks(window, _threshold);
    }

    /// <summary>Drops what was remembered about <paramref name="id"/>, after a write or removal made it stale.</summary>
    public void Forget(string id)
    {
        ref var slot = ref _slots[SlotOf(id)];
        var read = Volatile.Read(ref slot);
        if (read is not null && string.Equals(read.Id, id, StringComparison.Ordinal))
        {
            Interlocked.CompareExchange(ref slot, null, read);
        }
    }

    private static int SlotOf(string id) => (int)((uint)StringComparer.Ordinal.GetHashCode(id) % Slots);

    private sealed record RecentRead(string Id, long Timestamp, long? SlidingWindowMicroseconds, long ExtensionDueAt);
}
