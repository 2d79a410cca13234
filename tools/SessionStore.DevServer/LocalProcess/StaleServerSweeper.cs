using System.Diagnostics;
using System.Globalization;

namespace SessionStore.DevServer.LocalProcess;

/// <summary>
/// Reaps servers whose owning process died without running its exit handlers (killed with SIGKILL, crashed):
/// their temporary directory names an owner that no longer runs.
/// </summary>
internal static class StaleServerSweeper
{
    public static void Sweep(Action<string> log)
    {
        IEnumerable<string> directories;
        try
        {
            directories = Directory.EnumerateDirectories(Path.GetTempPath(), LocalServerLayout.DirectoryPrefix + "*").ToList();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return;
        }

        foreach (var directory in directories)
        {
            var layout = new LocalServerLayout(directory);
            if (ReadPid(layout.OwnerFile) is not { } owner || IsRunning(owner))
            {
                // No owner file yet means another process is still creating it.
                continue;
            }

            if (ReadPid(layout.PidFile) is { } server && IsOurServer(server, directory))
            {
                try
                {
                    using var process = Process.GetProcessById(server);
                    process.Kill();
                    process.WaitForExit(TimeSpan.FromSeconds(5));
                }
                catch (Exception exception) when (exception is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
                {
                    // Gone already, or not ours to kill.
                }
            }

            try
            {
                Directory.Delete(directory, recursive: true);
                log($"Removed {directory}, left by process {owner} which is no longer running.");
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // Another process is sweeping it too, or it belongs to another user.
            }
        }
    }

    private static int? ReadPid(string path)
    {
        try
        {
            return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                ? pid
                : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Guards against a recycled pid: the process must be a server started with this directory.
    /// </summary>
    private static bool IsOurServer(int pid, string directory)
    {
        try
        {
            var commandLine = $"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/cmdline";
            if (File.Exists(commandLine))
            {
                return File.ReadAllText(commandLine).Contains(directory, StringComparison.Ordinal);
            }

            // No /proc (macOS): the name is the best evidence available.
            using var process = Process.GetProcessById(pid);
            return process.ProcessName is "mariadbd" or "mysqld";
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
