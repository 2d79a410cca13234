namespace SessionStore.Etcd.ClusterTests.Load;

/// <summary>
/// How reads of keys overwritten while a member was frozen came back from that member: the new value, the value from
/// before the freeze, or neither (an error, or bytes no write put there).
/// </summary>
internal sealed class ReadCounts
{
    public int Fresh { get; set; }

    public int Stale { get; set; }

    public int Failed { get; set; }

    public int Wrong { get; set; }

    public int Total => Fresh + Stale + Failed + Wrong;

    public override string ToString() => $"{Fresh} fresh, {Stale} stale, {Failed} failed, {Wrong} wrong of {Total}";
}
