using SessionStore.DevServer;

namespace SessionStore.Testing;

/// <summary>
/// Which server family this test run is for: the environment variable <c>SESSIONSTORE_TEST_FAMILY</c> (<c>mariadb</c> or
/// <c>mysql</c>), set by <c>tests/run</c> for each of its passes; unset, the first server found is used, whatever its family.
/// </summary>
public static class TestFamily
{
    /// <summary>The environment variable that names the family.</summary>
    public const string EnvironmentVariable = "SESSIONSTORE_TEST_FAMILY";

    private static readonly Lazy<MySqlServerFamily?> s_current = new(Read);

    /// <summary>The family asked for, or <see langword="null"/> for any.</summary>
    public static MySqlServerFamily? Current => s_current.Value;

    private static MySqlServerFamily? Read()
    {
        var value = Environment.GetEnvironmentVariable(EnvironmentVariable);
        return value?.Trim().ToUpperInvariant() switch
        {
            null or "" => null,
            "MARIADB" => MySqlServerFamily.MariaDb,
            "MYSQL" => MySqlServerFamily.MySql,
            _ => throw new InvalidOperationException(
                $"{EnvironmentVariable} is '{value}'; it must be 'mariadb' or 'mysql', or unset for whichever server is found first."),
        };
    }
}
