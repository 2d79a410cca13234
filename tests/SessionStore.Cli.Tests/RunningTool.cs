using System.Diagnostics;

namespace SessionStore.Cli.Tests;

/// <summary>A run of the tool in progress: its output is collected while it runs.</summary>
internal sealed class RunningTool : IDisposable
{
    private readonly Process _process;
    private readonly Task<string> _output;
    private readonly Task<string> _error;
    private readonly TimeSpan _timeout;

    public RunningTool(Process process, TimeSpan timeout)
    {
        _process = process;
        _timeout = timeout;
        _output = process.StandardOutput.ReadToEndAsync();
        _error = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Sends SIGINT, what Ctrl+C sends from a terminal.</summary>
    public void Interrupt()
    {
        using var kill = Process.Start("kill", ["-INT", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public async Task<CliResult> WaitAsync()
    {
        using var timeout = new CancellationTokenSource(_timeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The tool did not exit within {_timeout}.");
        }

        return new CliResult(_process.ExitCode, await _output, await _error);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }
}
