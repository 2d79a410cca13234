using SessionStore.ClusterTests.Harness;

namespace SessionStore.ClusterTests.Galera;

/// <summary>
/// Finds what a three-node Galera cluster on loopback needs, and fails with one message that names every missing
/// piece and the Debian package that provides it.
/// </summary>
internal static class GaleraPrerequisites
{
    /// <summary>Where Debian's <c>galera-4</c> installs the provider (first), then other distributions' places.</summary>
    private static readonly string[] s_providerPaths =
    [
        "/usr/lib/galera/libgalera_smm.so",
        "/usr/lib/galera-4/libgalera_smm.so",
        "/usr/lib64/galera-4/libgalera_smm.so",
        "/usr/lib64/galera/libgalera_smm.so",
    ];

    private static readonly string[] s_wellKnownDirectories = ["/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin"];

    public static async Task<GaleraBinaries> FindAsync(CancellationToken cancellationToken)
    {
        var problems = new List<string>();

        var server = FindExecutable("mariadbd");
        if (server is null)
        {
            problems.Add("mariadbd is not installed (Debian/Ubuntu: sudo apt-get install mariadb-server)");
        }

        var installDb = FindExecutable("mariadb-install-db") ?? FindExecutable("mysql_install_db");
        if (installDb is null)
        {
            problems.Add("mariadb-install-db is not installed (Debian/Ubuntu: sudo apt-get install mariadb-server)");
        }

        var provider = s_providerPaths.FirstOrDefault(File.Exists);
        if (provider is null)
        {
            problems.Add($"the Galera provider {s_providerPaths[0]} is missing (Debian/Ubuntu: sudo apt-get install galera-4)");
        }

        // Nodes join by rsync state transfer (wsrep_sst_method=rsync): the joiner runs an rsync daemon, the donor rsync.
        if (FindExecutable("rsync") is null)
        {
            problems.Add("rsync is not installed; Galera's rsync state transfer needs it (Debian/Ubuntu: sudo apt-get install rsync)");
        }

        string? runAsUser = null;
        if (Environment.IsPrivilegedProcess)
        {
            // As root, the joiner's rsync daemon drops to 'nobody' and cannot write the datadir, so state transfer fails:
            // the nodes run as the mysql user instead (mariadbd --user=mysql), with directories it owns.
            var (exitCode, _) = await ToolRunner.RunAsync("id", ["-u", "mysql"], cancellationToken);
            if (exitCode == 0)
            {
                runAsUser = "mysql";
            }
            else
            {
                problems.Add("the tests run as root, and the 'mysql' system user the nodes must run as does not exist " +
                    "(Debian's mariadb-server package creates it; or run the tests as an ordinary user)");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                "The cluster tests start a three-node MariaDB Galera cluster on loopback and cannot here: " +
                string.Join("; ", problems) + ".");
        }

        return new GaleraBinaries(server!, installDb!, provider!, runAsUser);
    }

    private static string? FindExecutable(string name)
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(s_wellKnownDirectories)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }
}
