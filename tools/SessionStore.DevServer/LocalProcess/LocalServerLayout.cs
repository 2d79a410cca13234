namespace SessionStore.DevServer.LocalProcess;

/// <summary>
/// Where a throwaway server keeps its files: everything under one temporary directory, so two servers never
/// share a socket, pid file or log, and one recursive delete removes all of it. The data lives in a
/// subdirectory because <c>mysqld --initialize</c> insists on an empty one.
/// </summary>
internal sealed record LocalServerLayout(string RootDirectory)
{
    /// <summary>Prefix of the temporary directory's name, which the stale-server sweep looks for.</summary>
    public const string DirectoryPrefix = "sessionstore-mysql-";

    public string DataDirectory => Path.Combine(RootDirectory, "data");

    public string SocketPath => Path.Combine(RootDirectory, "mysqld.sock");

    public string PidFile => Path.Combine(RootDirectory, "mysqld.pid");

    public string ErrorLog => Path.Combine(RootDirectory, "error.log");

    public string InitFile => Path.Combine(RootDirectory, "init.sql");

    /// <summary>
    /// The server's own temporary directory. Servers sharing <c>/tmp</c> were seen to fail initialisation with
    /// "Error on delete of '/tmp/#sql-temptable-….MAI'" while other servers started beside them.
    /// </summary>
    public string TempDirectory => Path.Combine(RootDirectory, "tmp");

    /// <summary>Holds the id of the process that owns the server, so a later run can reap it if that one died.</summary>
    public string OwnerFile => Path.Combine(RootDirectory, "owner.pid");
}
