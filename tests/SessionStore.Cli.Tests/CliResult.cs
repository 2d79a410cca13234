namespace SessionStore.Cli.Tests;

/// <summary>How a run of the tool ended, and what it printed.</summary>
internal sealed record CliResult(int ExitCode, string Output, string Error)
{
    /// <summary>Asserts the exit code, showing everything the tool printed when it differs.</summary>
    public CliResult ShouldExitWith(int expected)
    {
        Assert.True(ExitCode == expected, $"The tool exited with {ExitCode}, expected {expected}.{Environment.NewLine}{this}");
        return this;
    }

    public override string ToString() =>
        $"--- stdout ---{Environment.NewLine}{Output}--- stderr ---{Environment.NewLine}{Error}";
}
