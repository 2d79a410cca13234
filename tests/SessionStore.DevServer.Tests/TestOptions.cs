using SessionStore.Testing;

namespace SessionStore.DevServer.Tests;

internal static class TestOptions
{
    /// <summary>
    /// Options that can only end in a local server process: an environment variable nobody sets and no Docker.
    /// </summary>
    public static MySqlDevServerOptions LocalProcessOnly(string? database = null) => new()
    {
        EnvironmentVariable = UnsetVariableName(),
        Database = database ?? UniqueName("db"),
        UseTestcontainers = false,
        Family = TestFamily.Current,
    };

    public static string UnsetVariableName() => "SESSIONSTORE_TEST_" + Guid.NewGuid().ToString("N");

    public static string UniqueName(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(40, prefix.Length + 33)];
}
