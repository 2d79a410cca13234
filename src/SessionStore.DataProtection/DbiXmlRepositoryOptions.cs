using System.Data.Common;
using SessionStore.Connections;

namespace SessionStore.DataProtection;

/// <summary>
/// Options of the Data Protection key-ring store registered by <c>PersistKeysToDbi</c>. Set one way to connect:
/// <see cref="Dsn"/> (with optional <see cref="User"/> and <see cref="Password"/>) or <see cref="DataSource"/>; with neither,
/// a <see cref="DbDataSource"/> registered in DI is used.
/// </summary>
public sealed class DbiXmlRepositoryOptions
{
    /// <summary>
    /// The database to connect to: a MySqlConnector connection string (<c>Server=127.0.0.1;Database=testing</c>) or a Perl DBI
    /// data source name (<c>DBI:mysql:database=testing;host=127.0.0.1;port=3306</c>), which is translated as
    /// <c>AddDbiSessionCache</c> translates it. The store builds, owns and disposes a <c>MySqlDataSource</c> for it.
    /// Default: <see langword="null"/>.
    /// </summary>
    public string? Dsn { get; set; }

    /// <summary>The user name; when set, it overrides one given in <see cref="Dsn"/>. Only used with <see cref="Dsn"/>. Default: <see langword="null"/>.</summary>
    public string? User { get; set; }

    /// <summary>The password; when set, it overrides one given in <see cref="Dsn"/>. Only used with <see cref="Dsn"/>. Default: <see langword="null"/>.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// An existing data source (for instance the <c>MySqlDataSource</c> the app already uses). It stays the caller's to dispose.
    /// Default: <see langword="null"/>.
    /// </summary>
    public DbDataSource? DataSource { get; set; }

    /// <summary>
    /// The table that holds the key ring, optionally qualified with its database (<c>mydb.dataprotection_keys</c>). Letters,
    /// digits, <c>_</c> and <c>$</c>, at most 64 characters per part. Default: <c>dataprotection_keys</c>.
    /// </summary>
    public string Table { get; set; } = "dataprotection_keys";

    /// <summary>
    /// Whether the store creates the table, with the schema of <c>schema/mysql/002_create_dataprotection_keys.sql</c>, when it
    /// is missing. Off by default because the runtime user usually lacks DDL rights. Default: <see langword="false"/>.
    /// </summary>
    public bool CreateTableIfMissing { get; set; }

    /// <summary>
    /// The key ring's way to connect, for the core's validation and connection source. Its pool keeps MySqlConnector's connection
    /// reset: the key ring's statements leave no session state either, but it runs a handful a day, so skipping the reset's
    /// round trip saves nothing, and the reset replaces a pooled connection the server dropped before a statement sees it.
    /// </summary>
    internal ConnectionSettings ToConnectionSettings() => new()
    {
        Consumer = "PersistKeysToDbi",
        Purpose = "the key ring",
        Dsn = Dsn,
        User = User,
        Password = Password,
        DataSource = DataSource,
        SkipsConnectionReset = false,
    };
}
