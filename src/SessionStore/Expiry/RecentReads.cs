namespace SessionStore.Expiry;

/// <summary>
/// Remembers, per stored id, when this process last read a live entry and its sliding window, so that the
/// <c>Refresh</c> the session middleware sends right after its <c>Get</c> can be answered without a round trip.
/// </summary>
/// <remarks>
/// A Get extends an entry once <c>0.9 × threshold</c> of its window has passed (see <see cref="GetThreshold"/>); a
/// Refresh within <c>0.1 × threshold × window</c> of that Get is skipped. Together they keep the promise a Refresh alone
/// makes: afterwards the entry lives at least <c>window × (1 − threshold)</c> longer. The table is a fixed array indexed by
/// a hash of the id: bounded memory, no locks; a collision only costs a Refresh that could have been skipped.
/// </remarks>
internal sealed class RecentReads
{
    private const int Slots = 4096;
    private const double GetShareOfThreshold = 0.9;

    private readonly RecentRead?[] _slots = new RecentRead?[Slots];
    private readonly double _threshold;

    public RecentReads(double threshold)
    {
        _threshold = threshold;
    }

    /// <summary>The threshold a Get applies: a little earlier than a Refresh's, to leave room for skipping the Refresh.</summary>
    public double GetThreshold => _threshold * GetShareOfThreshold;

    /// <summary>The threshold a Refresh applies.</summary>
    public double RefreshThreshold => _threshold;

    public void Record(string id, long timestamp, long? slidingWindowMicroseconds) =>
        Volatile.Write(ref _slots[SlotOf(id)], new RecentRead(id, timestamp, slidingWindowMicroseconds));

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
            return true; // No sliding window: a Refresh has nothing to extend.
        }

        var skipWindowTicks = window * TimeSpan.TicksPerMicrosecond * _threshold * (1 - GetShareOfThreshold);
        return timestamp - read.Timestamp <= skipWindowTicks;
    }

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

    private sealed record RecentRead(string Id, long Timestamp, long? SlidingWindowMicroseconds);
}
