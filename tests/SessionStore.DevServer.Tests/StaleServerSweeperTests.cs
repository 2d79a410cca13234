using System.Diagnostics;
using System.Globalization;
using SessionStore.DevServer.LocalProcess;

namespace SessionStore.DevServer.Tests;

public sealed class StaleServerSweeperTests
{
    [Fact]
    public async Task Sweep_WithADirectoryWhoseOwnerIsGone_KillsItsServerAndDeletesIt()
    {
        var layout = new LocalServerLayout(Directory.CreateTempSubdirectory(LocalServerLayout.DirectoryPrefix).FullName);
        await File.WriteAllTextAsync(layout.OwnerFile, (await DeadProcessIdAsync()).ToString(CultureInfo.InvariantCulture));

        // Stands in for an orphaned server: a long-running process whose command line names the directory.
        using var orphan = Process.Start(new ProcessStartInfo("tail", ["-f", layout.OwnerFile]) { RedirectStandardOutput = true })!;
        await File.WriteAllTextAsync(layout.PidFile, orphan.Id.ToString(CultureInfo.InvariantCulture));
        var log = new List<string>();

        StaleServerSweeper.Sweep(log.Add);

        Assert.True(orphan.WaitForExit(TimeSpan.FromSeconds(5)));
        Assert.False(Directory.Exists(layout.RootDirectory));
        Assert.Contains(log, line => line.Contains(layout.RootDirectory, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sweep_WithADirectoryWhoseOwnerRuns_LeavesItAlone()
    {
        var layout = new LocalServerLayout(Directory.CreateTempSubdirectory(LocalServerLayout.DirectoryPrefix).FullName);
        try
        {
            await File.WriteAllTextAsync(layout.OwnerFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture));

            StaleServerSweeper.Sweep(_ => { });

            Assert.True(File.Exists(layout.OwnerFile));
        }
        finally
        {
            Directory.Delete(layout.RootDirectory, recursive: true);
        }
    }

    private static async Task<int> DeadProcessIdAsync()
    {
        using var process = Process.Start("true")!;
        await process.WaitForExitAsync();
        return process.Id;
    }
}
