using SessionStore.Testing;
using SessionStore.DevServer.LocalProcess;

namespace SessionStore.DevServer.Tests;

public sealed class ServerBinaryLocatorTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("devserver-test-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public async Task FindAsync_WithAMysqldReportingMySql_ReturnsTheMySqlFlavorWithoutInstallDb()
    {
        var bin = Directory.CreateDirectory(Path.Combine(_directory, "bin")).FullName;
        var mysqld = WriteScript(bin, "mysqld", "echo 'mysqld  Ver 8.4.3 for Linux on x86_64 (MySQL Community Server - GPL)'");

        var (binary, reason) = await ServerBinaryLocator.FindAsync([bin], family: null, CancellationToken.None);

        Assert.True(binary is not null, reason);
        Assert.Equal(mysqld, binary.ServerPath);
        Assert.Equal(MySqlServerFamily.MySql, binary.Family);
        Assert.Equal(_directory, binary.BaseDirectory);
        Assert.Null(binary.InstallDbPath);
        Assert.StartsWith("mysqld  Ver 8.4.3", binary.VersionText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FindAsync_AskedForAFamily_SkipsTheOtherFamilysBinarySayingWhy()
    {
        var mariaDbBin = Directory.CreateDirectory(Path.Combine(_directory, "mariadb", "bin")).FullName;
        var mySqlBin = Directory.CreateDirectory(Path.Combine(_directory, "mysql", "bin")).FullName;
        var mariadbd = WriteScript(mariaDbBin, "mariadbd", "echo 'mariadbd  Ver 10.11.19-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64'");
        WriteScript(mariaDbBin, "mariadb-install-db", "exit 0");
        var mysqld = WriteScript(mySqlBin, "mysqld", "echo 'mysqld  Ver 9.7.4-2 for Linux on x86_64 ((Debian))'");

        var (forMySql, _) = await ServerBinaryLocator.FindAsync([mariaDbBin, mySqlBin], MySqlServerFamily.MySql, CancellationToken.None);
        var (forMariaDb, _) = await ServerBinaryLocator.FindAsync([mySqlBin, mariaDbBin], MySqlServerFamily.MariaDb, CancellationToken.None);
        var (none, reason) = await ServerBinaryLocator.FindAsync([mariaDbBin], MySqlServerFamily.MySql, CancellationToken.None);

        Assert.Equal(mysqld, forMySql?.ServerPath);
        Assert.Equal(mariadbd, forMariaDb?.ServerPath);
        Assert.Null(none);
        Assert.Equal($"{mariadbd} is mariadbd  Ver 10.11.19-MariaDB-0+deb12u1 for debian-linux-gnu on x86_64, not of the MySql family asked for", reason);
    }

    [Fact]
    public async Task FindAsync_WithABinaryWhoseVersionFails_SkipsItAndSaysWhy()
    {
        var mariadbd = WriteScript(_directory, "mariadbd", "echo 'broken' >&2; exit 3");

        var (binary, reason) = await ServerBinaryLocator.FindAsync([_directory], family: null, CancellationToken.None);

        Assert.Null(binary);
        Assert.Equal($"{mariadbd} --version failed with exit code 3: broken", reason);
    }

    [Fact]
    public async Task FindAsync_OnThisMachine_FindsAServerAndWhatItNeedsToInitialise()
    {
        // The local-process tests need mariadbd or mysqld installed (.ci/run installs Debian's mariadb-server).
        var (binary, reason) = await ServerBinaryLocator.FindAsync(searchDirectories: null, TestFamily.Current, CancellationToken.None);

        Assert.True(binary is not null, reason);
        Assert.True(Path.IsPathRooted(binary.ServerPath), binary.ServerPath);
        if (binary.Family == MySqlServerFamily.MariaDb)
        {
            Assert.True(File.Exists(binary.InstallDbPath), binary.InstallDbPath);
        }
        else
        {
            Assert.Null(binary.InstallDbPath);
        }
    }

    private static string WriteScript(string directory, string name, string body)
    {
        var path = Path.Combine(directory, name);
        File.WriteAllText(path, $"#!/bin/sh\n{body}\n");
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        return path;
    }
}
