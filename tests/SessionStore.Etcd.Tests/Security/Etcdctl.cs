using System.Diagnostics;

namespace SessionStore.Etcd.Tests.Security;

/// <summary>Runs <c>etcdctl</c> (API v3) against one member, to set up users and roles the way an operator would.</summary>
internal sealed class Etcdctl(string endpoint)
{
    private readonly string _binary = LocalEtcd.FindBinary("etcdctl");

    /// <summary>Runs <c>etcdctl --endpoints=… <paramref name="arguments"/></c>; throws with its output when it fails.</summary>
    public async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(_binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ETCDCTL_API"] = "3";
        start.ArgumentList.Add($"--endpoints={endpoint}");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var output = await stdout + await stderr;
        return process.ExitCode == 0
            ? output
            : throw new InvalidOperationException($"etcdctl {string.Join(' ', arguments)} exited with {process.ExitCode}: {output}");
    }
}
