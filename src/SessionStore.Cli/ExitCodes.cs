namespace SessionStore.Cli;

/// <summary>The tool's exit codes; every verb's <c>--help</c> lists them (<see cref="HelpText"/>).</summary>
internal static class ExitCodes
{
    public const int Success = 0;

    /// <summary>The table is missing, has defects the cache would refuse, or cannot be upgraded.</summary>
    public const int TableDefects = 1;

    /// <summary>A usage, settings, connection or server error.</summary>
    public const int Error = 2;

    /// <summary>Stopped by Ctrl+C: 128 + SIGINT, as shells report a process the signal ended.</summary>
    public const int Interrupted = 130;

    public const string HelpText =
        "Exit codes: 0 success; 1 the table is missing, has defects or cannot be upgraded; " +
        "2 usage, settings, connection or server error; 130 stopped by Ctrl+C.";
}
