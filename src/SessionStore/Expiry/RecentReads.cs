namespace SessionStore.Expiry;

/// <summary>
/// Remembers, per stored id, when a Get would next be due to extend the entry this process last read, so that such a Get
/// sends the extension in the same round trip as the read instead of a second one after it.
/// </summary>
/// <remarks>
/// Only an optimisation of round trips, never of correctness: the extension UPDATE checks the rule itself (see
/// <see cref="ExtensionRule"/>), so a memory made stale by another server costs an UPDATE that matches nothing. A Refresh is
/// never answered from here (another server may have rewritten the entry with a shorter window since). The table is a fixed
/// array indexed by a hash of the id: bounded memory, no locks; a collision only costs a round trip.
/// </remarks>
internal sealed class RecentReads
{
    private const int Slots = 4096;

    private readonly RecentRead?[] _slots = new RecentRead?[Slots];

    /// <summary>
    /// Remembers that a Get of <paramref name="id"/> is next due to extend the entry at <paramref name="extensionDueAt"/>
    /// (<see cref="long.MaxValue"/> for never), as computed from the row a read returned.
    /// </summary>
    public void Record(string id, long extensionDueAt) =>
        Volatile.Write(ref _slots[SlotOf(id)], new RecentRead(id, extensionDueAt));

    /// <summary>
    /// Whether, by what this process last read, a Get of <paramref name="id"/> at <paramref name="timestamp"/> is due to
    /// extend the entry. Unknown ids are not due: the read returns what is needed to decide.
    /// </summary>
    public bool IsExtensionDue(string id, long timestamp)
    {
        var read = Volatile.Read(ref _slots[SlotOf(id)]);
        return read is not null && string.Equals(read.Id, id, StringComparison.Ordinal) && timestamp >= read.ExtensionDueAt;
    }

    /// <summary>Drops what was remembered about <paramref name="id"/>, after a write, removal or extension made it stale.</summary>
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

    private sealed record RecentRead(string Id, long ExtensionDueAt);
}
