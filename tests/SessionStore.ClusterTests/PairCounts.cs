namespace SessionStore.ClusterTests;

/// <summary>Outcomes of write-on-one-node, read-on-another pairs.</summary>
internal sealed class PairCounts
{
    /// <summary>The read found nothing: the other node had not applied the write yet.</summary>
    public int Stale { get; set; }

    /// <summary>The read found bytes other than those written, which no setting excuses.</summary>
    public int Wrong { get; set; }

    public TimeSpan Elapsed { get; set; }
}
