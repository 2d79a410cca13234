using System.Diagnostics;
using SessionStore.DevServer.LocalProcess;

namespace SessionStore.DevServer.Tests;

public sealed class OrphanWatchdogTests
{
    [Fact]
    public async Task Start_WhenTheHostDies_KillsTheServerAndDeletesItsDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("devserver-test-").FullName;
        using var host = Process.Start("sleep", "60")!;
        using var server = Process.Start("sleep", "60")!;
        using var watchdog = OrphanWatchdog.Start(host.Id, server.Id, directory);
        await Task.Delay(TimeSpan.FromMilliseconds(300));
        Assert.False(server.HasExited);

        host.Kill();

        Assert.True(server.WaitForExit(TimeSpan.FromSeconds(5)), "The server outlived its host.");
        Assert.True(watchdog.WaitForExit(TimeSpan.FromSeconds(5)), "The watchdog did not finish.");
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task Start_WhenTheServerExitsFirst_EndsWithoutTouchingTheDirectory()
    {
        var directory = Directory.CreateTempSubdirectory("devserver-test-").FullName;
        try
        {
            using var server = Process.Start("sleep", "60")!;
            using var watchdog = OrphanWatchdog.Start(Environment.ProcessId, server.Id, directory);

            server.Kill();
            await server.WaitForExitAsync();

            Assert.True(watchdog.WaitForExit(TimeSpan.FromSeconds(5)), "The watchdog outlived its server.");
            Assert.True(Directory.Exists(directory));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
