using System.Diagnostics;
using System.Globalization;
using SessionStore.DevServer.Internal;

namespace SessionStore.DevServer.LocalProcess;

/// <summary>
/// A tiny shell loop beside each server that kills it and deletes its directory once the host process is gone.
/// <c>AppDomain.ProcessExit</c> covers a host that exits normally, but a .NET console process killed with SIGTERM
/// (measured here: exit status 143, no ProcessExit) or SIGKILL (a test runner's hang timeout, CI cancelling a job)
/// runs no managed code at all; this loop still notices within a second.
/// </summary>
internal static class OrphanWatchdog
{
    // Exits by itself when the server exits, so a disposed server leaves no watchdog behind.
    private const string Script = """
        exec </dev/null >/dev/null 2>&1
        host=$1 server=$2 directory=$3
        while kill -0 "$server"; do
          if ! kill -0 "$host"; then
            kill -9 "$server"
            sleep 1
            rm -rf "$directory"
            exit 0
          fi
          sleep 1
        done
        """;

    /// <summary>
    /// Starts watching; returns the watchdog process, which the caller may kill once it stops the server itself.
    /// </summary>
    public static Process Start(int hostProcessId, int serverProcessId, string directory)
    {
        var startInfo = ProcessRunner.CreateStartInfo(
            "/bin/sh",
            [
                "-c",
                Script,
                "sessionstore-watchdog",
                hostProcessId.ToString(CultureInfo.InvariantCulture),
                serverProcessId.ToString(CultureInfo.InvariantCulture),
                directory,
            ]);
        var watchdog = Process.Start(startInfo)!;
        watchdog.StandardInput.Close();
        return watchdog;
    }
}
