using System.Text;
using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.ClusterTests;

/// <summary>
/// What one key may hold after a load: the last value whose Set was acknowledged (returned), or a value written after it
/// whose Set failed without saying whether it committed (a connection lost mid-commit, a leader lost mid-proposal, a timeout).
/// </summary>
internal sealed class KeyLedger(string key)
{
    private readonly List<string> _inDoubtSinceAcknowledged = [];

    public string Key { get; } = key;

    public string? LastAcknowledged { get; private set; }

    public IReadOnlyList<string> InDoubt => _inDoubtSinceAcknowledged;

    /// <summary>Every ledger whose key, read through <paramref name="cache"/>, holds what it may not: one line each.</summary>
    public static async Task<List<string>> FindLostWritesAsync(IDistributedCache cache, IEnumerable<KeyLedger> ledgers)
    {
        var lost = new List<string>();
        foreach (var ledger in ledgers)
        {
            var read = await cache.GetAsync(ledger.Key);
            var stored = read is null ? null : Encoding.UTF8.GetString(read);
            if (!ledger.Admits(stored))
            {
                lost.Add($"{ledger.Key}: last acknowledged '{ledger.LastAcknowledged}', read {(stored is null ? "nothing" : $"'{stored}'")}");
            }
        }

        return lost;
    }

    public void Acknowledged(string value)
    {
        LastAcknowledged = value;
        _inDoubtSinceAcknowledged.Clear();
    }

    public void InDoubtWrite(string value) => _inDoubtSinceAcknowledged.Add(value);

    public bool Admits(string? stored) =>
        stored is not null && (stored == LastAcknowledged || _inDoubtSinceAcknowledged.Contains(stored));
}
