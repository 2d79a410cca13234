namespace SessionStore.Etcd.ClusterTests.Harness;

/// <summary>
/// The etcd server and etcdctl of Debian's etcd-server and etcd-client packages (3.4.23 on Debian 12), or the directory in
/// <c>SESSIONSTORE_ETCD_BIN</c> that holds both. A machine without them fails the fixture saying how to get them.
/// </summary>
internal static class EtcdPrerequisites
{
    public const string InstallHint = "apt-get install etcd-server etcd-client";

    private const string DirectoryVariable = "SESSIONSTORE_ETCD_BIN";

    public static (string Etcd, string Etcdctl) Find()
    {
        var directory = Environment.GetEnvironmentVariable(DirectoryVariable) is { Length: > 0 } configured ? configured : "/usr/bin";
        var etcd = Path.Combine(directory, "etcd");
        var etcdctl = Path.Combine(directory, "etcdctl");
        var missing = new[] { etcd, etcdctl }.Where(path => !File.Exists(path)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException(
                $"The etcd cluster tests need {string.Join(" and ", missing)}: {InstallHint} (Debian 12 gives etcd 3.4.23), " +
                $"or set {DirectoryVariable} to a directory holding etcd and etcdctl.");
        }

        return (etcd, etcdctl);
    }
}
