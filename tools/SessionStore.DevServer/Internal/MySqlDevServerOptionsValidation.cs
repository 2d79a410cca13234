namespace SessionStore.DevServer.Internal;

/// <summary>
/// Checks <see cref="MySqlDevServerOptions"/> before anything is started, reporting every problem at once.
/// </summary>
internal static class MySqlDevServerOptionsValidation
{
    // https://dev.mysql.com/doc/refman/8.4/en/identifier-length.html
    private const int MaxDatabaseNameLength = 64;

    public static void ThrowIfInvalid(MySqlDevServerOptions options)
    {
        var problems = new List<string>();

        if (string.IsNullOrWhiteSpace(options.EnvironmentVariable))
        {
            problems.Add($"{nameof(MySqlDevServerOptions.EnvironmentVariable)} must name an environment variable, but was '{options.EnvironmentVariable}'.");
        }

        if (string.IsNullOrWhiteSpace(options.Database))
        {
            problems.Add($"{nameof(MySqlDevServerOptions.Database)} must name a database, but was '{options.Database}'.");
        }
        else if (options.Database.Length > MaxDatabaseNameLength
            || options.Database.EndsWith(' ')
            || options.Database.Contains('\0', StringComparison.Ordinal))
        {
            // MySQL rejects names over 64 characters, names ending in a space, and NUL.
            problems.Add($"{nameof(MySqlDevServerOptions.Database)} must be at most {MaxDatabaseNameLength} characters, not end with a space and not contain NUL, but was '{options.Database}'.");
        }

        if (options.UseTestcontainers && string.IsNullOrWhiteSpace(options.TestcontainersImage))
        {
            problems.Add($"{nameof(MySqlDevServerOptions.TestcontainersImage)} must name an image when {nameof(MySqlDevServerOptions.UseTestcontainers)} is true, but was '{options.TestcontainersImage}'.");
        }

        if (options.StartTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{nameof(MySqlDevServerOptions.StartTimeout)} must be positive, but was {options.StartTimeout}.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }
    }
}
