using System.Runtime.Versioning;

// The harness freezes and thaws members with SIGSTOP/SIGCONT and its watchdog reads /proc: Linux only.
[assembly: SupportedOSPlatform("linux")]
