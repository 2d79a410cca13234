using SessionStore.ClusterTests.Harness;
using SessionStore.DevServer.LocalProcess;

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
        // The same folder the dev server searches, from the one place that knows it.
        var wrapper = Path.Combine(ServerBinaryLocator.ProvisionedOracleMySqlDirectory, "mysqld");
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
