using System.Globalization;
using System.Runtime;
using System.Runtime.InteropServices;
using MySqlConnector;
using SessionStore.DevServer;

namespace SessionStore.Benchmarks;

/// <summary>The facts printed above the table: what machine, runtime and servers the numbers come from.</summary>
internal static class MachineFacts
{
    /// <summary>
    /// Collects the facts. Each run describes what it does with the connection string (<paramref name="connectionStringUse"/>,
    /// after the string itself) and how it measures (<paramref name="harness"/>, after "Harness: ").
    /// </summary>
    public static async Task<IReadOnlyList<string>> CollectAsync(
        MySqlConnection connection, MySqlDevServer server, string bufferPoolNote, string connectionStringUse, string redisNote, string harness,
        CancellationToken cancellationToken)
    {
        var version = await ServerSetup.ScalarStringAsync(connection, "SELECT VERSION()", cancellationToken);
        var flush = await ServerSetup.ScalarStringAsync(connection, "SELECT @@innodb_flush_log_at_trx_commit", cancellationToken);
        var builder = new MySqlConnectionStringBuilder(server.ConnectionString) { Password = string.Empty };
        var options = string.Join("; ", builder.Keys.Cast<string>()
            .Where(k => !k.Equals("password", StringComparison.OrdinalIgnoreCase) && builder[k] is not null)
            .Select(k => $"{k}={builder[k]}"));
        var gc = GCSettings.IsServerGC ? "server GC" : "workstation GC";
        var memory = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024);
        return
        [
            $"Date: {DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC",
            string.Create(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores ({CpuModel()}), {memory:0.#} GiB RAM, {RuntimeInformation.OSDescription} {RuntimeInformation.OSArchitecture}"),
            $"Runtime: {RuntimeInformation.FrameworkDescription}, {gc}{(GCSettings.LatencyMode == GCLatencyMode.Interactive ? " (concurrent)" : string.Empty)}",
            $"MySQL-compatible server: {version} — {server.Description}; {bufferPoolNote}; innodb_flush_log_at_trx_commit={flush}",
            $"Connection string (password removed): {options}, {connectionStringUse}",
            $"Redis: {redisNote}",
            $"Harness: {harness}",
        ];
    }

    private static string CpuModel()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal));
            return line is null ? RuntimeInformation.ProcessArchitecture.ToString() : line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
        }
        catch (IOException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
        catch (UnauthorizedAccessException)
        {
            return RuntimeInformation.ProcessArchitecture.ToString();
        }
    }
}
