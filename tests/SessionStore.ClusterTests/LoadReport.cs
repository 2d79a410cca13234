using MySqlConnector;

namespace SessionStore.ClusterTests;

/// <summary>How the cluster tests put counts, times and the node a connection reached into their output and messages.</summary>
internal static class LoadReport
{
    /// <summary>" between a s and b s" for the first and last of <paramref name="times"/>, or nothing when there are none.</summary>
    public static string Window(IReadOnlyCollection<TimeSpan> times) =>
        times.Count == 0 ? string.Empty : $" between {times.Min().TotalSeconds:0.0} s and {times.Max().TotalSeconds:0.0} s";

    public static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    /// <summary>"kind × count, …", most frequent first, or "none".</summary>
    public static string Describe(IReadOnlyDictionary<string, int> counts) =>
        counts.Count == 0 ? "none" : string.Join(", ", counts.OrderByDescending(pair => pair.Value).Select(pair => $"{pair.Key} × {pair.Value}"));

    /// <summary>
    /// <paramref name="variable"/> (e.g. <c>@@report_host</c>) on the server a new connection with this connection string
    /// reaches, as the cache's pool would.
    /// </summary>
    public static async Task<string?> ReadOnConnectedServerAsync(string connectionString, string variable)
    {
        var probe = new MySqlConnectionStringBuilder(connectionString) { Pooling = false }.ConnectionString;
        await using var connection = new MySqlConnection(probe);
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"SELECT {variable}", connection);
        return (string?)await command.ExecuteScalarAsync();
    }
}
