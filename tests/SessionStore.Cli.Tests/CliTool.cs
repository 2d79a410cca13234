using System.Diagnostics;

namespace SessionStore.Cli.Tests;

/// <summary>
/// Runs the real tool as a child process — <c>dotnet SessionStore.Cli.dll …</c>, the build the project reference copies
/// beside the tests with its own deps.json and runtimeconfig.json — as a user or a deploy pipeline would.
/// </summary>
internal static class CliTool
{
    private static readonly string s_dll = Path.Combine(AppContext.BaseDirectory, "SessionStore.Cli.dll");
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    public static Task<CliResult> RunAsync(params string[] arguments) => RunAsync(arguments, environment: null);

    /// <summary>Runs a verb against <paramref name="table"/> on the test server (<c>--dsn … --table …</c> appended).</summary>
    public static async Task<CliResult> RunOnAsync(string table, params string[] arguments)
    {
        var connectionString = await TestDatabase.ConnectionStringAsync();
        return await RunAsync([.. arguments, "--dsn", connectionString, "--table", table], environment: null);
    }

    public static Task<CliResult> RunAsync(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment)
    {
        var tool = Start(arguments, environment);
        return tool.WaitAsync();
    }

    /// <summary>Starts the tool and returns while it runs, for a test that signals it.</summary>
    public static RunningTool Start(IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(s_dll))
        {
            throw new InvalidOperationException($"{s_dll} does not exist; the project reference to SessionStore.Cli should have copied it.");
        }

        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add(s_dll);
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // Settings in the developer's own environment must not leak into a test.
        foreach (var name in startInfo.Environment.Keys.Where(k => k.StartsWith("SessionStore__", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            startInfo.Environment.Remove(name);
        }

        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        return new RunningTool(Process.Start(startInfo) ?? throw new InvalidOperationException("dotnet did not start."), s_timeout);
    }
}
