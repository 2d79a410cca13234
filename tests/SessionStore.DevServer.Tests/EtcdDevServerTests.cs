using System.Diagnostics;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Xunit.Abstractions;

namespace SessionStore.DevServer.Tests;

/// <summary>
/// The throwaway etcd against the real binary (Debian's etcd-server, /usr/bin/etcd): these fail, never skip, without it.
/// </summary>
public sealed class EtcdDevServerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task StartAsync_WithOnlyALocalBinary_StartsAnEtcdThatStoresKeys_AndDisposeRemovesIt()
    {
        var stopwatch = Stopwatch.StartNew();
        var server = await EtcdDevServer.StartAsync(new EtcdDevServerOptions { EnvironmentVariable = TestOptions.UnsetVariableName(), Log = output.WriteLine });
        output.WriteLine($"Start to ready: {stopwatch.Elapsed.TotalSeconds:0.00} s; {server.Description}");
        var local = server.LocalProcess!;
        var directory = local.RootDirectory;
        var processId = local.ProcessId;
        try
        {
            Assert.Equal(EtcdDevServerSource.LocalProcess, server.Source);
            Assert.Matches(@"^etcd 3\.\d+\.\d+ \(local process .+, http://127\.0\.0\.1:\d+, data dir .+\)$", server.Description);
            var endpoint = Assert.Single(server.Endpoints);
            Assert.StartsWith("http://127.0.0.1:", endpoint, StringComparison.Ordinal);

            // A put and a get through etcd's own gateway: the member has a leader and takes writes.
            var key = Convert.ToBase64String(Encoding.UTF8.GetBytes("devserver-test/" + Guid.NewGuid().ToString("N")));
            var value = Convert.ToBase64String(Encoding.UTF8.GetBytes("värde"));
            using var http = new HttpClient();
            (await http.PostAsJsonAsync($"{endpoint}/v3/kv/put", new { key, value })).EnsureSuccessStatusCode();
            using var range = await http.PostAsJsonAsync($"{endpoint}/v3/kv/range", new { key });
            using var document = await range.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonDocument>();
            Assert.Equal(value, document!.RootElement.GetProperty("kvs")[0].GetProperty("value").GetString());
            Assert.True(Directory.Exists(Path.Combine(directory, "data", "member")));
        }
        finally
        {
            await server.DisposeAsync();
        }

        Assert.False(await LocalProcessTests.AcceptsConnectionsAsync(local.ClientPort));
        Assert.False(IsRunning(processId));
        Assert.False(Directory.Exists(directory));
        await server.DisposeAsync(); // A second dispose is harmless.
    }

    [Fact]
    public async Task StartAsync_WithEndpointsInTheEnvironmentVariable_UsesThem_AndDisposingLeavesThatEtcdRunning()
    {
        await using var owned = await EtcdDevServer.StartAsync(new EtcdDevServerOptions { EnvironmentVariable = TestOptions.UnsetVariableName() });
        var variable = TestOptions.UnsetVariableName();
        var hostAndPort = owned.Endpoints[0]["http://".Length..];
        Environment.SetEnvironmentVariable(variable, hostAndPort);
        try
        {
            var configured = await EtcdDevServer.StartAsync(new EtcdDevServerOptions { EnvironmentVariable = variable, EtcdPath = "/nonexistent/etcd" });
            await configured.DisposeAsync();

            Assert.Equal(EtcdDevServerSource.EnvironmentVariable, configured.Source);
            Assert.Equal(owned.Endpoints, configured.Endpoints);
            Assert.Contains(variable, configured.Description, StringComparison.Ordinal);
            Assert.True(await LocalProcessTests.AcceptsConnectionsAsync(owned.LocalProcess!.ClientPort));
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
        }
    }

    [Fact]
    public async Task StartAsync_WithoutAnyEtcd_SaysHowToInstallOne()
    {
        var options = new EtcdDevServerOptions { EnvironmentVariable = TestOptions.UnsetVariableName(), EtcdPath = "/nonexistent/etcd" };

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => EtcdDevServer.StartAsync(options));

        Assert.Contains($"Environment variable {options.EnvironmentVariable}: not set", exception.Message, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/etcd, which does not exist", exception.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install etcd-server", exception.Message, StringComparison.Ordinal);
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
