using System.Diagnostics;

namespace SessionStore.DevServer.Internal;

/// <summary>
/// Runs a short-lived tool (<c>mariadbd --version</c>, <c>mariadb-install-db</c>) to completion.
/// </summary>
internal static class ProcessRunner
{
    /// <summary>
    /// Runs <paramref name="fileName"/> and returns its exit code and the tail of stdout and stderr interleaved.
    /// The child is killed when <paramref name="cancellationToken"/> fires.
    /// </summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(
        string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var output = new OutputTail(capacity: 60);
        using var process = new Process { StartInfo = CreateStartInfo(fileName, arguments) };
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            Kill(process);
            throw;
        }

        return (process.ExitCode, output.ToString());
    }

    /// <summary>
    /// Start info for a child whose output is redirected (so it can never block on a full pipe) and whose stdin is
    /// a pipe the caller closes at once (so it never reads the host's console).
    /// </summary>
    public static ProcessStartInfo CreateStartInfo(string fileName, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            CreateNoWindow = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        return startInfo;
    }

    /// <summary>
    /// Kills the process and its children, ignoring one that has already gone.
    /// </summary>
    public static void Kill(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }
}
