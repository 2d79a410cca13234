using System.Diagnostics;
using System.Globalization;

namespace SessionStore.EndToEndTests;

/// <summary>
/// Makes sure no sample process outlives the tests. Each test stops its apps when it ends, pass or fail; beside each app a
/// tiny shell loop kills it once this test process is gone, which covers a test host that is killed (a hang timeout, a
/// cancelled run) and so runs no managed code at all.
/// </summary>
internal static class ChildProcesses
{
    // Ends by itself within a second of the app ending, so a stopped app leaves no watchdog behind.
    private const string Watchdog = """
        exec </dev/null >/dev/null 2>&1
        host=$1 app=$2
        while kill -0 "$app"; do
          if ! kill -0 "$host"; then
            kill -9 "$app"
            exit 0
          fi
          sleep 1
        done
        """;

    public static void Watch(Process app)
    {
        var startInfo = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        foreach (var argument in new[]
                 {
                     "-c", Watchdog, "sessionsample-watchdog",
                     Environment.ProcessId.ToString(CultureInfo.InvariantCulture),
                     app.Id.ToString(CultureInfo.InvariantCulture),
                 })
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var _ = Process.Start(startInfo);
    }
}
