namespace SessionStore.DevServer.LocalProcess;

/// <summary>
/// Command lines for initialising and running a throwaway server. Every list starts with <c>--no-defaults</c>:
/// the option is only honoured as the first argument, and without it a distribution's <c>/etc/mysql/*.cnf</c>
/// (latin1 defaults, a fixed socket path, a <c>user=mysql</c> line) leaks in.
/// </summary>
internal static class LocalServerArguments
{
    /// <summary>
    /// SQL run at every start through <c>--init-file</c>, before the first client is accepted. With
    /// <c>--skip-name-resolve</c> a TCP client from 127.0.0.1 only matches accounts for that address, and
    /// <c>mysqld --initialize-insecure</c> creates only <c>root@localhost</c>; MariaDB's install script already
    /// made this account, so there it is a no-op.
    /// </summary>
    public const string InitSql = """
        CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';
        GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
        """;

    private static readonly string[] s_mySqlOnlyServerArguments =
    [
        // MySQL 8 writes a binary log by default (MariaDB does not); a throwaway server has no replica.
        "--skip-log-bin",
        // The compiled-in directory (/var/lib/mysql-files) often does not exist, and MySQL then refuses to start.
        "--secure-file-priv=NULL",
    ];

    /// <summary>
    /// Creates the system tables in <see cref="LocalServerLayout.DataDirectory"/> with a password-less root.
    /// </summary>
    public static (string FileName, List<string> Arguments) ForInitialization(ServerBinary binary, LocalServerLayout layout, bool runAsRoot)
    {
        List<string> arguments;
        string fileName;
        if (binary.Family == MySqlServerFamily.MariaDb)
        {
            fileName = binary.InstallDbPath!;
            arguments =
            [
                "--no-defaults",
                $"--basedir={binary.BaseDirectory}",
                $"--datadir={layout.DataDirectory}",
                $"--tmpdir={layout.TempDirectory}",
                // 'normal' gives root an empty password over TCP; the default 'socket' only lets the OS root in.
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ];
        }
        else
        {
            fileName = binary.ServerPath;
            arguments =
            [
                "--no-defaults",
                "--initialize-insecure",
                $"--basedir={binary.BaseDirectory}",
                $"--datadir={layout.DataDirectory}",
                $"--tmpdir={layout.TempDirectory}",
                .. s_mySqlOnlyServerArguments,
            ];
        }

        if (runAsRoot)
        {
            // Both refuse to run as root unless told to, and otherwise try to switch to a 'mysql' user.
            arguments.Add("--user=root");
        }

        return (fileName, arguments);
    }

    /// <summary>
    /// Runs the server on 127.0.0.1:<paramref name="port"/> with files only inside the layout's directory.
    /// </summary>
    public static List<string> ForServer(ServerBinary binary, LocalServerLayout layout, int port, bool runAsRoot)
    {
        List<string> arguments =
        [
            "--no-defaults",
            $"--datadir={layout.DataDirectory}",
            $"--tmpdir={layout.TempDirectory}",
            "--bind-address=127.0.0.1",
            $"--port={port}",
            $"--socket={layout.SocketPath}",
            $"--pid-file={layout.PidFile}",
            $"--log-error={layout.ErrorLog}",
            $"--init-file={layout.InitFile}",
            "--skip-name-resolve",
            // Without these the server default is latin1 (MariaDB) and the two products' collations differ.
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_unicode_ci",
            // Same as a MySQL container, whatever the host's zone.
            "--default-time-zone=+00:00",
            // Tests store values up to 16 MiB; the packet must hold one plus the statement around it.
            "--max-allowed-packet=64M",
            "--max-connections=500",
            // Durability is worthless for data deleted at the end of the run: no fsync per commit, no
            // doublewrite buffer, and a buffer pool sized for a test schema rather than a production one.
            "--innodb-flush-log-at-trx-commit=2",
            "--innodb-doublewrite=OFF",
            "--innodb-buffer-pool-size=64M",
        ];

        if (binary.Family == MySqlServerFamily.MySql)
        {
            arguments.AddRange(s_mySqlOnlyServerArguments);
            // The X Protocol plugin binds port 33060 by default, which two servers side by side would share.
            arguments.Add("--mysqlx=OFF");
            arguments.Add("--performance-schema=OFF");
        }

        if (runAsRoot)
        {
            arguments.Add("--user=root");
        }

        return arguments;
    }
}
