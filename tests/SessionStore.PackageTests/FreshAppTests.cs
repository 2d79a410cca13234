using MySqlConnector;
using Xunit.Abstractions;

namespace SessionStore.PackageTests;

/// <summary>
/// The packages as a user meets them: installed from the folder feed into a brand-new app made by <c>dotnet new</c>, outside
/// this repository (none of its Directory.*.props apply), and run against a real server.
/// </summary>
[Collection(SharedLocalFeed.Name)]
public sealed class FreshAppTests(LocalFeedFixture feed, ITestOutputHelper log)
{
    private const string ProgramSource = """
        using System.Reflection;
        using Microsoft.Extensions.Caching.Distributed;
        using Microsoft.Extensions.DependencyInjection;
        using SessionStore;

        var services = new ServiceCollection();
        services.AddDbiSessionCache(o =>
        {
            o.Dsn = Environment.GetEnvironmentVariable("SMOKE_DSN") ?? throw new InvalidOperationException("SMOKE_DSN is not set.");
            o.Table = Environment.GetEnvironmentVariable("SMOKE_TABLE") ?? "sessions";
            o.CreateTableIfMissing = true;
        });

        await using var provider = services.BuildServiceProvider();
        var cache = provider.GetRequiredService<IDistributedCache>();
        await cache.SetStringAsync("smoke-key", "Hello from the SessionStore package",
            new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(5) });

        Console.WriteLine($"value={await cache.GetStringAsync("smoke-key")}");
        Console.WriteLine($"cache={cache.GetType().FullName}");
        Console.WriteLine($"version={typeof(DbiSessionCache).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion}");
        """;

    [Fact]
    public async Task LibraryPackage_InAFreshConsoleApp_StoresAndReadsAValueOnTheServer()
    {
        log.WriteLine($"Packed {feed.Version} in {feed.PackTime.TotalSeconds:0.0} s");
        var app = Path.Combine(feed.Root, "SmokeApp");

        await StepAsync(feed.Root, "new", "console", "--output", app, "--name", "SmokeApp", "--framework", "net10.0", "--no-restore");
        await StepAsync(app, "add", "package", "SessionStore", "--version", feed.Version);
        await StepAsync(app, "add", "package", "Microsoft.Extensions.DependencyInjection", "--version",
            RepositoryRoot.PinnedVersion("Microsoft.Extensions.DependencyInjection"));
        await File.WriteAllTextAsync(Path.Combine(app, "Program.cs"), ProgramSource);

        var run = await DotnetCli.RunAsync(app, ["run"], LocalFeedFixture.StepTimeout,
            new Dictionary<string, string>(feed.AppEnvironment) { ["SMOKE_DSN"] = feed.ConnectionString, ["SMOKE_TABLE"] = feed.Table });
        log.WriteLine($"{run.CommandLine}: exit code {run.ExitCode} in {run.Elapsed.TotalSeconds:0.0} s\n{run.Output}");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("value=Hello from the SessionStore package", run.Output, StringComparison.Ordinal);
        Assert.Contains("cache=SessionStore.DbiSessionCache", run.Output, StringComparison.Ordinal);
        Assert.Contains("version=" + feed.Version, run.Output, StringComparison.Ordinal);

        // The package came from the feed into the app's own packages folder, and the row is in the server's table.
        Assert.True(Directory.Exists(Path.Combine(feed.PackagesFolder, "sessionstore", feed.Version)), "SessionStore was not restored from the feed");
        await using var connection = new MySqlConnection(feed.ConnectionString);
        await connection.OpenAsync();
        await using var count = new MySqlCommand($"SELECT COUNT(*) FROM `{feed.Table}`", connection);
        Assert.Equal(1L, Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ToolPackage_InstalledAsALocalTool_RunsAndReportsItsVersion()
    {
        var folder = Path.Combine(feed.Root, "ToolUser");
        Directory.CreateDirectory(folder);

        await StepAsync(folder, "new", "tool-manifest");
        await StepAsync(folder, "tool", "install", LocalFeedFixture.ToolId, "--version", feed.Version);
        var version = await StepAsync(folder, "tool", "run", "sessionstore", "--", "--version");
        var help = await StepAsync(folder, "tool", "run", "sessionstore", "--", "--help");

        Assert.StartsWith(feed.Version, version.Output.Trim(), StringComparison.Ordinal);
        Assert.Contains("sessionstore", help.Output, StringComparison.Ordinal);
    }

    private async Task<CliResult> StepAsync(string workingDirectory, params string[] arguments)
    {
        var result = await DotnetCli.RunAsync(workingDirectory, arguments, LocalFeedFixture.StepTimeout, feed.AppEnvironment);
        log.WriteLine($"{result.CommandLine}: exit code {result.ExitCode} in {result.Elapsed.TotalSeconds:0.0} s");
        return result.EnsureSuccess();
    }
}
