using System.Diagnostics;
using System.Globalization;
using System.Security;
using System.Text.RegularExpressions;
using MySqlConnector;
using SessionStore.DevServer;
using SessionStore.Testing;

namespace SessionStore.PackageTests;

/// <summary>
/// Packs the libraries and the tool from this checkout, once per test run, into a folder feed under a temporary directory,
/// with a version of this run's own (<c>0.1.0-smoke…</c>), so no package of the same version can already sit in a NuGet
/// cache. Apps made here restore into a packages folder of their own under the same directory (the developer's global
/// packages folder serves as a read-only fallback for the dependencies), and the whole directory is deleted at the end.
/// </summary>
public sealed class LocalFeedFixture : IAsyncLifetime
{
    /// <summary>The most any one dotnet command may take; a cold restore on a slow mirror stays well below.</summary>
    public static readonly TimeSpan StepTimeout = TimeSpan.FromMinutes(5);

    public static readonly IReadOnlyList<string> LibraryIds = ["SessionStore", "SessionStore.AspNetCore", "SessionStore.DataProtection"];

    public const string ToolId = "SessionStore.Cli";

    private MySqlDevServer? _server;

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "sessionstore-packages-" + Guid.NewGuid().ToString("N")[..12]);

    public string Feed => Path.Combine(Root, "feed");

    /// <summary>Where the apps made here restore packages to (NUGET_PACKAGES for their dotnet commands).</summary>
    public string PackagesFolder => Path.Combine(Root, "packages");

    public string VersionSuffix { get; } = "smoke" + DateTime.UtcNow.ToString("yyyyMMddHHmmss", CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..6];

    /// <summary>The version of every package packed here, such as <c>0.1.0-smoke20261122193700ab12cd</c>.</summary>
    public string Version { get; private set; } = "";

    public string ConnectionString => _server?.ConnectionString ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>The table the smoke app creates and writes to.</summary>
    public string Table { get; } = "smoke_" + Guid.NewGuid().ToString("N")[..16];

    /// <summary>How long packing took, for the test log.</summary>
    public TimeSpan PackTime { get; private set; }

    public string PackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.nupkg");

    public string SymbolPackagePath(string id) => Path.Combine(Feed, $"{id}.{Version}.snupkg");

    /// <summary>The environment for dotnet commands of apps made here: restores go to <see cref="PackagesFolder"/>.</summary>
    public IReadOnlyDictionary<string, string> AppEnvironment => new Dictionary<string, string> { ["NUGET_PACKAGES"] = PackagesFolder };

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Feed);
        Directory.CreateDirectory(PackagesFolder);

        // The server starts while the packages build.
        var server = MySqlDevServer.StartAsync(TestServer.Options("sessionstore_package_tests"));
        try
        {
            try
            {
                var started = Stopwatch.StartNew();
                await PackAsync();
                PackTime = started.Elapsed;
                await WriteNuGetConfigAsync();
            }
            finally
            {
                _server = await server;
            }
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (_server is { } server)
            {
                _server = null;
                await using (server)
                {
                    await using var connection = new MySqlConnection(server.ConnectionString);
                    await connection.OpenAsync();
                    await using var command = new MySqlCommand($"DROP TABLE IF EXISTS `{Table}`", connection);
                    await command.ExecuteNonQueryAsync();
                }
            }
        }
        finally
        {
            if (Directory.Exists(Root))
            {
                Directory.Delete(Root, recursive: true);
            }
        }
    }

    private async Task PackAsync()
    {
        // --artifacts-path keeps this build's bin/ and obj/ under Root: the checkout's own Release output is left alone.
        var artifacts = Path.Combine(Root, "artifacts");
        foreach (var id in LibraryIds.Append(ToolId))
        {
            var project = Path.Combine(RepositoryRoot.Path, "src", id, id + ".csproj");
            (await DotnetCli.RunAsync(RepositoryRoot.Path,
                ["pack", project, "-c", "Release", "-o", Feed, "--artifacts-path", artifacts, "-p:VersionSuffix=" + VersionSuffix],
                StepTimeout)).EnsureSuccess();
        }

        // The version prefix comes from Directory.Build.props; read the whole version off the core package's file name.
        var core = Directory.GetFiles(Feed, "*.nupkg")
            .Select(path => Regex.Match(Path.GetFileName(path), $@"^SessionStore\.(\d+\.\d+\.\d+-{VersionSuffix})\.nupkg$"))
            .Single(match => match.Success);
        Version = core.Groups[1].Value;
    }

    private async Task WriteNuGetConfigAsync()
    {
        // The folder feed is added to the sources the machine already has (no <clear/>), as a developer trying a local build
        // of a package would; those serve the dependencies that the fallback folder lacks.
        var globalPackages = (await DotnetCli.RunAsync(RepositoryRoot.Path, ["nuget", "locals", "global-packages", "--list"], StepTimeout))
            .EnsureSuccess().Output.Trim();
        globalPackages = globalPackages[(globalPackages.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();

        await File.WriteAllTextAsync(Path.Combine(Root, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <add key="sessionstore-smoke-feed" value="{SecurityElement.Escape(Feed)}" />
              </packageSources>
              <fallbackPackageFolders>
                <add key="developer-global-packages" value="{SecurityElement.Escape(globalPackages)}" />
              </fallbackPackageFolders>
            </configuration>
            """);
    }
}
