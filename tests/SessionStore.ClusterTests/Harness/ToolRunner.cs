using System.Diagnostics;

namespace SessionStore.ClusterTests.Harness;

/// <summary>Runs a short-lived tool (mariadb-install-db, chown, id) to completion.</summary>
internal static class ToolRunner
{
    /// <summary>Runs the tool; returns its exit code and the tail of its output. The tool is killed on cancellation.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string fileName, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var output = new OutputTail(capacity: 40);
        using var process = new Process { StartInfo = CreateStartInfo(fileName, arguments) };
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            KillTree(process);
            throw;
        }

        return (process.ExitCode, output.ToString());
    }

    /// <summary>
    /// Runs the tool and throws, with its output, when it fails.
    /// </summary>
    public static async Task RunCheckedAsync(string fileName, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var (exitCode, output) = await RunAsync(fileName, arguments, cancellationToken);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} failed with exit code {exitCode}:{Environment.NewLine}{output}");
        }
    }

    /// <summary>
    /// Output redirected (a child never blocks on a full pipe) and stdin a pipe closed at once (it never reads the console).
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

    /// <summary>SIGKILL to the process and its children (a node's state-transfer script and rsync), ignoring one already gone.</summary>
    public static void KillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited, or never started.
        }
    }
}
