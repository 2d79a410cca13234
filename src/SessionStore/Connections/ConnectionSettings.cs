using System.Data.Common;

namespace SessionStore.Connections;

/// <summary>
/// The ways to connect that the cache's options, the key ring's options and the command-line tool share, so that one
/// validation (<see cref="Configuration.ConnectionOptionsValidation"/>) and one <see cref="ConnectionSource.Create"/> serve them
/// all. Each options class maps itself to one of these; the property names are the options' own, so messages can name them.
/// A record, so that a user of the same options can vary one aspect (<c>with { Consumer = … }</c>); its <c>ToString</c> is
/// written by hand because the generated one would print the password and the DSN, which may hold one too.
/// </summary>
internal sealed record ConnectionSettings
{
    /// <summary>What the connections are for, as the user names it in code (<c>DbiSessionCache</c>, <c>PersistKeysToDbi</c>).</summary>
    public required string Consumer { get; init; }

    /// <summary>The same in words, for messages about options: <c>the session cache</c>, <c>the key ring</c>.</summary>
    public required string Purpose { get; init; }

    /// <summary>A MySqlConnector connection string or a Perl DBI DSN (see <see cref="DsnConnectionString"/>).</summary>
    public string? Dsn { get; init; }

    /// <summary>Overrides the user of <see cref="Dsn"/>; only used with it.</summary>
    public string? User { get; init; }

    /// <summary>Overrides the password of <see cref="Dsn"/>; only used with it. Never put in a message.</summary>
    public string? Password { get; init; }

    /// <summary>A data source the caller owns.</summary>
    public DbDataSource? DataSource { get; init; }

    /// <summary>The key of a <see cref="DbDataSource"/> registered in DI as a keyed service.</summary>
    public string? DataSourceServiceKey { get; init; }

    /// <summary>Creates a connection (open or not) from the app's services.</summary>
    public Func<IServiceProvider, DbConnection>? ConnectionFactory { get; init; }

    /// <summary>
    /// Whether the options offer <see cref="DataSourceServiceKey"/> and <see cref="ConnectionFactory"/> (the cache's do, the key
    /// ring's do not), so that messages name only what the user can set.
    /// </summary>
    public bool OffersServiceKeyAndFactory { get; init; }

    /// <summary>
    /// Whether a pool built from <see cref="Dsn"/> skips MySqlConnector's connection reset (<see cref="ConnectionSource.ForOwnedPool"/>).
    /// Only for a consumer whose every statement leaves no session state and that retries on a connection the server dropped
    /// (the cache's hot path); otherwise the reset's round trip is cheap insurance.
    /// </summary>
    public bool SkipsConnectionReset { get; init; }

    /// <summary>
    /// The properties that choose a source, as a message lists them: <c>Dsn, DataSource, DataSourceServiceKey or
    /// ConnectionFactory</c>, with <paramref name="dsnNote"/> after <c>Dsn</c>.
    /// </summary>
    public string SourceChoices(string dsnNote = "")
    {
        List<string> names = [nameof(Dsn) + dsnNote, nameof(DataSource)];
        if (OffersServiceKeyAndFactory)
        {
            names.Add(nameof(DataSourceServiceKey));
            names.Add(nameof(ConnectionFactory));
        }

        return $"{string.Join(", ", names[..^1])} or {names[^1]}";
    }

    /// <summary>The cache's way to connect, from its options.</summary>
    public static ConnectionSettings ForCache(DbiSessionCacheOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ConnectionSettings
        {
            Consumer = nameof(DbiSessionCache),
            Purpose = "the session cache",
            Dsn = options.Dsn,
            User = options.User,
            Password = options.Password,
            DataSource = options.DataSource,
            DataSourceServiceKey = options.DataSourceServiceKey,
            ConnectionFactory = options.ConnectionFactory,
            OffersServiceKeyAndFactory = true,
            SkipsConnectionReset = true,
        };
    }

    /// <summary>Names the consumer only: the generated text would show <see cref="Password"/> and <see cref="Dsn"/>.</summary>
    public override string ToString() => $"{nameof(ConnectionSettings)} {{ {nameof(Consumer)} = {Consumer} }}";
}
