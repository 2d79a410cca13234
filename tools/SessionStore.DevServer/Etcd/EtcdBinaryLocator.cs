namespace SessionStore.DevServer.Etcd;

/// <summary>Finds the <c>etcd</c> server binary to start.</summary>
internal static class EtcdBinaryLocator
{
    private static readonly string[] s_knownDirectories = ["/usr/bin", "/usr/local/bin"];

    /// <summary>
    /// The configured path when given (it must exist), else <c>etcd</c> on <c>PATH</c> or in the known directories; or
    /// <see langword="null"/> and why not.
    /// </summary>
    public static (string? Path, string Reason) Find(string? configuredPath)
    {
        if (!string.IsNullOrWhiteSpace(configuredPath))
        {
            return File.Exists(configuredPath)
                ? (configuredPath, $"{nameof(EtcdDevServerOptions.EtcdPath)} {configuredPath}")
                : (null, $"{nameof(EtcdDevServerOptions.EtcdPath)} is {configuredPath}, which does not exist");
        }

        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(s_knownDirectories)
            .Distinct(StringComparer.Ordinal)
            .ToList();
        var found = directories.Select(directory => Path.Combine(directory, "etcd")).FirstOrDefault(File.Exists);
        return found is not null
            ? (found, found)
            : (null, $"no etcd binary on PATH or in {string.Join(", ", s_knownDirectories)}");
    }
}
