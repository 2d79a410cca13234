using System.Diagnostics;
using System.Globalization;

namespace SessionStore.ClusterTests.Harness;

/// <summary>
/// A small shell loop beside the cluster that kills its nodes and deletes its directory once the test host is gone.
/// <c>AppDomain.ProcessExit</c> covers a host that exits normally, but a host killed with SIGTERM or SIGKILL (a test
/// runner's hang timeout, a cancelled CI job) runs no managed code; this loop still notices within a second. Nodes are
/// restarted during the tests, so it reads their current pids from the files the harness writes at each launch, and
/// kills a pid only if that process's command line names the cluster's directory (a pid may have been reused).
/// </summary>
internal static class ClusterWatchdog
{
    // Exits by itself when the directory is gone, so a cluster torn down normally leaves no watchdog behind.
    private const string Script = """
        exec </dev/null >/dev/null 2>&1
        host=$1 directory=$2
        kill_tree() {
          for child in $(pgrep -P "$1"); do kill_tree "$child"; done
          kill -9 "$1"
        }
        while kill -0 "$host"; do
          [ -d "$directory" ] || exit 0
          sleep 1
        done
        for launched in "$directory"/node*/launched.pid; do
          [ -f "$launched" ] || continue
          pid=$(cat "$launched")
          if tr '\0' '\n' < "/proc/$pid/cmdline" | grep -qF -- "$directory"; then
            kill_tree "$pid"
          fi
        done
        sleep 1
        rm -rf "$directory"
        """;

    public static Process Start(int hostProcessId, string directory)
    {
        var startInfo = ToolRunner.CreateStartInfo(
            "/bin/sh",
            ["-c", Script, "sessionstore-galera-watchdog", hostProcessId.ToString(CultureInfo.InvariantCulture), directory]);
        var watchdog = Process.Start(startInfo)!;
        watchdog.StandardInput.Close();
        return watchdog;
    }
}
