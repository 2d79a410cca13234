namespace SessionStore.DevServer.LocalProcess;

/// <summary>
/// A server binary found on this machine.
/// </summary>
/// <param name="ServerPath">The <c>mariadbd</c> or <c>mysqld</c> path as found (possibly a symbolic link).</param>
/// <param name="Family">What <c>--version</c> said it is.</param>
/// <param name="BaseDirectory">The installation directory (the parent of the binary's real directory).</param>
/// <param name="InstallDbPath"><c>mariadb-install-db</c> for MariaDB; <see langword="null"/> for MySQL, which
/// initialises with <c>mysqld --initialize-insecure</c>.</param>
/// <param name="VersionText">The first line of <c>--version</c>, for messages.</param>
internal sealed record ServerBinary(
    string ServerPath,
    MySqlServerFamily Family,
    string BaseDirectory,
    string? InstallDbPath,
    string VersionText);
