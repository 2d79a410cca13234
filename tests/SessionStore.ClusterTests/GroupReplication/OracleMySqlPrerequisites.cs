using SessionStore.ClusterTests.Harness;

namespace SessionStore.ClusterTests.GroupReplication;

/// <summary>
/// Finds the Oracle MySQL server that tools/oracle-mysql/provision.sh unpacks into the cache folder, running that script
/// first when the wrapper is not there yet (it is idempotent, and fast once cached).
/// </summary>
internal static class OracleMySqlPrerequisites
{
    private const string ProvisionScript = "tools/oracle-mysql/provision.sh";

    private static readonly TimeSpan s_provisionTimeout = TimeSpan.FromMinutes(10);

    /// <summary>
    /// The path of the <c>mysqld</c> wrapper, which runs the server through its own loader and appends the message,
    /// character set and plugin directories (group_replication.so is in the latter) after the caller's arguments.
    /// </summary>
    public static async Task<string> FindServerAsync(CancellationToken cancellationToken)
    {
        var wrapper = Path.Combine(CacheDirectory(), "oracle-mysql", "bin", "mysqld");
        if (File.Exists(wrapper))
        {
            return wrapper;
        }

        var repositoryRoot = FindRepositoryRoot()
            ?? throw new InvalidOperationException(
                $"The group replication tests need Oracle MySQL: {wrapper} does not exist, and {ProvisionScript} was not found " +
                $"because no folder above {AppContext.BaseDirectory} holds SessionStore.sln.");
        var script = Path.Combine(repositoryRoot, ProvisionScript);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_provisionTimeout);
        var (exitCode, output) = await ToolRunner.RunAsync("bash", [script], timeout.Token);
        var folder = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
        var provisioned = folder is null ? null : Path.Combine(folder, "mysqld");
        if (exitCode != 0 || provisioned is null || !File.Exists(provisioned))
        {
            throw new InvalidOperationException(
                $"The group replication tests need Oracle MySQL, and {script} could not provide it (exit code {exitCode}; " +
                $"it needs apt-get, dpkg-deb and the machine's Debian mirror):{Environment.NewLine}{output}");
        }

        return provisioned;
    }

    /// <summary>$SESSIONSTORE_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/sessionstore, as provision.sh computes it.</summary>
    private static string CacheDirectory()
    {
        if (Environment.GetEnvironmentVariable("SESSIONSTORE_CACHE") is { Length: > 0 } cache)
        {
            return cache;
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var baseDirectory = string.IsNullOrEmpty(xdg)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache")
            : xdg;
        return Path.Combine(baseDirectory, "sessionstore");
    }

    private static string? FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SessionStore.sln")))
            {
                return directory.FullName;
            }
        }

        return null;
    }
}
