using System.ComponentModel;
using System.Runtime.InteropServices;

namespace SessionStore.Etcd.ClusterTests.Harness;

/// <summary>
/// SIGSTOP and SIGCONT, which .NET has no API for. Called through libc rather than by spawning <c>kill</c>, so a thaw
/// takes microseconds and a read sent right after it meets the member before it has caught up, not a few ms later.
/// </summary>
internal static class ProcessSignals
{
    private const int SigCont = 18;
    private const int SigStop = 19;

    public static void Stop(int processId) => Send(processId, SigStop);

    public static void Continue(int processId) => Send(processId, SigCont);

    private static void Send(int processId, int signal)
    {
        if (NativeMethods.Kill(processId, signal) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"kill({processId}, {signal}) failed");
        }
    }

    // DllImport rather than LibraryImport, whose generated code needs AllowUnsafeBlocks for two ints.
    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Kill(int pid, int sig);
    }
}
