namespace SessionStore.Diagnostics;

/// <summary>
/// InnoDB's estimate of the entries in one cache's table, for the <c>sessionstore.entries</c> gauge: refreshed at health
/// checks and after sweeps, -1 until known. The gauge holds these, not the caches.
/// </summary>
internal sealed class EntryEstimate(string table)
{
    private long _entries = -1;

    public string Table { get; } = table;

    public long Entries => Interlocked.Read(ref _entries);

    public void Update(long entries) => Interlocked.Exchange(ref _entries, entries);
}
