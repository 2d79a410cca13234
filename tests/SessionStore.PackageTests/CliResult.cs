namespace SessionStore.PackageTests;

/// <summary>How a <c>dotnet</c> command ended.</summary>
internal sealed record CliResult(string CommandLine, int ExitCode, string Output, TimeSpan Elapsed)
{
    /// <summary>Throws with the command's output unless it exited with 0.</summary>
    public CliResult EnsureSuccess()
    {
        if (ExitCode != 0)
        {
            throw new InvalidOperationException($"`{CommandLine}` exited with {ExitCode} after {Elapsed.TotalSeconds:0.0} s. It printed:\n{Output}");
        }

        return this;
    }
}
