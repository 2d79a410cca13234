using System.Runtime.Versioning;
using SessionStore.DevServer.Internal;

namespace SessionStore.DevServer.LocalProcess;

/// <summary>
/// Finds a <c>mariadbd</c> or <c>mysqld</c> binary and what is needed to initialise a data directory for it.
/// </summary>
internal static class ServerBinaryLocator
{
    /// <summary>Where packages and tarballs put the server when it is not on <c>PATH</c> (sbin often is not, for non-root users).</summary>
    internal static readonly string[] WellKnownDirectories = ["/usr/sbin", "/usr/local/sbin", "/usr/local/mysql/bin"];

    /// <summary>
    /// Where <c>tools/oracle-mysql/provision.sh</c> puts its <c>mysqld</c> wrapper: Oracle MySQL unpacked from Debian's
    /// newest suite into a private folder, for machines whose distribution ships MariaDB only.
    /// </summary>
    internal static string ProvisionedOracleMySqlDirectory
    {
        get
        {
            var cache = Environment.GetEnvironmentVariable("SESSIONSTORE_CACHE");
            if (string.IsNullOrEmpty(cache))
            {
                var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
                cache = Path.Combine(string.IsNullOrEmpty(xdg) ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache") : xdg, "sessionstore");
            }

            return Path.Combine(cache, "oracle-mysql", "bin");
        }
    }

    private static readonly string[] s_serverNames = ["mariadbd", "mysqld"];

    private static readonly string[] s_installDbNames = ["mariadb-install-db", "mysql_install_db"];

    private static readonly TimeSpan s_versionTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Returns the first usable binary of the family asked for (any, when <paramref name="family"/> is
    /// <see langword="null"/>), or why there is none.
    /// </summary>
    /// <param name="searchDirectories">Directories to search instead of <c>PATH</c>, <see cref="WellKnownDirectories"/>
    /// and <see cref="ProvisionedOracleMySqlDirectory"/>.</param>
    /// <param name="family">The family asked for, or <see langword="null"/> for any.</param>
    /// <param name="cancellationToken">Cancels the search.</param>
    public static async Task<(ServerBinary? Binary, string? SkipReason)> FindAsync(
        IReadOnlyList<string>? searchDirectories, MySqlServerFamily? family, CancellationToken cancellationToken)
    {
        if (OperatingSystem.IsWindows())
        {
            return (null, "starting a local server process is supported on Linux and macOS only");
        }

        var directories = searchDirectories ?? DefaultSearchDirectories();
        var problems = new List<string>();
        foreach (var directory in directories)
        {
            foreach (var name in s_serverNames)
            {
                var path = Path.Combine(directory, name);
                if (!IsExecutableFile(path))
                {
                    continue;
                }

                var (binary, problem) = await InspectAsync(path, directories, cancellationToken).ConfigureAwait(false);
                if (binary is not null && (family is null || binary.Family == family))
                {
                    return (binary, null);
                }

                problems.Add(problem ?? $"{path} is {binary!.VersionText}, not of the {family} family asked for");
            }
        }

        var wanted = family switch
        {
            MySqlServerFamily.MariaDb => "no MariaDB mariadbd or mysqld",
            MySqlServerFamily.MySql => "no Oracle MySQL mysqld",
            _ => "no mariadbd or mysqld",
        };
        var searched = $"{wanted} in {(directories.Count == 0 ? "(no directories)" : string.Join(", ", directories))}";
        return (null, problems.Count == 0 ? searched : string.Join("; ", problems));
    }

    internal static List<string> DefaultSearchDirectories()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Concat(WellKnownDirectories)
            .Append(ProvisionedOracleMySqlDirectory)
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    [UnsupportedOSPlatform("windows")]
    private static async Task<(ServerBinary? Binary, string? Problem)> InspectAsync(
        string path, IReadOnlyList<string> searchDirectories, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_versionTimeout);
        int exitCode;
        string output;
        try
        {
            // --no-defaults first, or a broken /etc/mysql/my.cnf can fail even --version.
            (exitCode, output) = await ProcessRunner.RunAsync(path, ["--no-defaults", "--version"], timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return (null, $"{path} --version did not finish within {s_versionTimeout.TotalSeconds:0} s");
        }

        var versionText = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? string.Empty;
        if (exitCode != 0)
        {
            return (null, $"{path} --version failed with exit code {exitCode}: {versionText}");
        }

        // Debian's /usr/sbin/mysqld is a link to mariadbd, and Homebrew links bin/ into its Cellar: the real
        // directory is where the installation's other files are.
        var realPath = File.ResolveLinkTarget(path, returnFinalTarget: true)?.FullName ?? Path.GetFullPath(path);
        var realDirectory = Path.GetDirectoryName(realPath)!;
        var baseDirectory = Path.GetDirectoryName(realDirectory) ?? realDirectory;

        if (!versionText.Contains("MariaDB", StringComparison.OrdinalIgnoreCase))
        {
            return (new ServerBinary(path, MySqlServerFamily.MySql, baseDirectory, null, versionText), null);
        }

        var candidates = new[] { realDirectory, Path.GetDirectoryName(path)!, Path.Combine(baseDirectory, "bin"), Path.Combine(baseDirectory, "scripts") }
            .Concat(searchDirectories)
            .Concat(["/usr/bin", "/usr/local/bin"])
            .Distinct(StringComparer.Ordinal);
        var installDb = candidates
            .SelectMany(directory => s_installDbNames.Select(name => Path.Combine(directory, name)))
            .FirstOrDefault(IsExecutableFile);
        return installDb is null
            ? (null, $"{path} is MariaDB but neither mariadb-install-db nor mysql_install_db was found beside it or on PATH")
            : (new ServerBinary(path, MySqlServerFamily.MariaDb, baseDirectory, installDb, versionText), null);
    }

    [UnsupportedOSPlatform("windows")]
    private static bool IsExecutableFile(string path)
    {
        const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
        return File.Exists(path) && (File.GetUnixFileMode(path) & anyExecute) != 0;
    }
}
