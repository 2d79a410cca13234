using System.Data.Common;

namespace SessionStore;

/// <summary>
/// Options of <see cref="DbiSessionCache"/>. Set exactly one way to connect: <see cref="Dsn"/> (with optional
/// <see cref="User"/> and <see cref="Password"/>), <see cref="DataSource"/>, <see cref="DataSourceServiceKey"/> or
/// <see cref="ConnectionFactory"/>; with none of them, a <see cref="DbDataSource"/> registered in DI is used.
/// </summary>
public sealed class DbiSessionCacheOptions
{
    /// <summary>
    /// The database to connect to: a MySqlConnector connection string (<c>Server=127.0.0.1;Database=testing</c>) or a Perl DBI
    /// data source name (<c>DBI:mysql:database=testing;host=127.0.0.1;port=3306</c>), which is translated.
    /// The cache builds, owns and disposes a <c>MySqlDataSource</c> for it. Default: <see langword="null"/>.
    /// </summary>
    public string? Dsn { get; set; }

    /// <summary>The user name; when set, it overrides one given in <see cref="Dsn"/>. Only used with <see cref="Dsn"/>. Default: <see langword="null"/>.</summary>
    public string? User { get; set; }

    /// <summary>The password; when set, it overrides one given in <see cref="Dsn"/>. Only used with <see cref="Dsn"/>. Default: <see langword="null"/>.</summary>
    public string? Password { get; set; }

    /// <summary>
    /// The table that holds the entries, optionally qualified with its database (<c>mydb.sessions</c>). Letters, digits,
    /// <c>_</c> and <c>$</c>, at most 64 characters per part. Default: <c>sessions</c>.
    /// </summary>
    public string Table { get; set; } = "sessions";

    /// <summary>
    /// An existing data source (for instance a <c>MySqlDataSource</c> the app already uses). It stays the caller's to dispose.
    /// Default: <see langword="null"/>.
    /// </summary>
    public DbDataSource? DataSource { get; set; }

    /// <summary>
    /// The service key of a keyed <see cref="DbDataSource"/> registered in DI (a named connection), resolved when the cache
    /// is created. Default: <see langword="null"/>.
    /// </summary>
    public string? DataSourceServiceKey { get; set; }

    /// <summary>
    /// A factory that returns a new MySqlConnector connection, open or closed, for each operation; the cache opens it if
    /// needed and disposes it when the operation ends. Default: <see langword="null"/>.
    /// </summary>
    public Func<IServiceProvider, DbConnection>? ConnectionFactory { get; set; }

    /// <summary>
    /// Whether the cache creates the table, with the schema of <c>schema/mysql/001_create_sessions.sql</c>, when it is missing.
    /// Off by default because the runtime user usually lacks DDL rights. Default: <see langword="false"/>.
    /// </summary>
    public bool CreateTableIfMissing { get; set; }

    /// <summary>The id column's name (Dancer2::Session::DBIC's <c>id_column</c>). Default: <c>id</c>.</summary>
    public string IdColumn { get; set; } = "id";

    /// <summary>
    /// The data column's name (Dancer2::Session::DBIC's <c>data_column</c>). A binary column holds values as they are; a text
    /// column (the ancestor's TEXT, or VARCHAR in a MEMORY table) holds them as Base64. Default: <c>session_data</c>.
    /// </summary>
    public string DataColumn { get; set; } = "session_data";

    /// <summary>
    /// The last-activity column's name. In a table without the expiry columns, entries expire
    /// <see cref="DefaultSlidingExpiration"/> after the instant it holds. Default: <c>last_active</c>.
    /// </summary>
    public string LastActiveColumn { get; set; } = "last_active";

    /// <summary>
    /// Whether reading an entry whose stored data cannot be decoded (a row another application wrote, such as the Perl
    /// ancestor's JSON in a TEXT column) throws <see cref="System.IO.InvalidDataException"/>. When <see langword="false"/>
    /// such an entry is treated as missing and a warning is logged, so a request pipeline never fails on it.
    /// Default: <see langword="false"/>.
    /// </summary>
    public bool ThrowOnUnreadableEntries { get; set; }

    /// <summary>
    /// Whether a background service deletes expired entries, off the request path. Turn it off when the database purges
    /// them itself (schema/mysql/003_purge_expired_event.sql) or a job runs <c>sessionstore purge</c>. Default: <see langword="true"/>.
    /// </summary>
    public bool SweepExpiredEntries { get; set; } = true;

    /// <summary>
    /// How often the sweep runs; each server of a farm tries, and a MySQL named lock lets only one sweep at a time.
    /// Default: 5 minutes.
    /// </summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many expired rows one DELETE removes; small batches keep locks short. Default: 1000.</summary>
    public int SweepBatchSize { get; set; } = 1000;

    /// <summary>The pause between two batches of a sweep, leaving room for the application's own statements. Default: 50 ms.</summary>
    public TimeSpan SweepBatchPause { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Whether the background sweep deletes rows from a table without the expiry columns (the Perl ancestor's layout with
    /// <see cref="LastActiveColumn"/>: rows idle longer than <see cref="DefaultSlidingExpiration"/>). Such a table may be
    /// shared with another application (a running Dancer app), whose rows the cache cannot tell from its own, so by default
    /// the sweep leaves that table alone and logs once why. A table with the expiry columns is swept regardless; a table
    /// with neither has nothing that expires. <c>sessionstore purge</c>, run by an operator, ignores this option.
    /// Default: <see langword="false"/>.
    /// </summary>
    public bool SweepTablesWithoutExpiryColumns { get; set; }

    /// <summary>
    /// Whether stored values are encrypted and authenticated with ASP.NET Core Data Protection (call
    /// <c>services.AddDataProtection()</c>, with a key ring every server shares), for teams whose database backups leave their
    /// control. A value written by another key ring, or without protection, is then unreadable (see
    /// <see cref="ThrowOnUnreadableEntries"/>). Values grow by about 80 bytes. Default: <see langword="false"/>.
    /// </summary>
    public bool ProtectValues { get; set; }

    /// <summary>
    /// Whether the host's startup reads the table's shape (creating the table if <see cref="CreateTableIfMissing"/>), so a
    /// missing or malformed table stops the app at startup with a message naming the table and each bad column. A database
    /// that cannot be reached at startup is logged, not fatal. Default: <see langword="true"/>.
    /// </summary>
    public bool ValidateTableAtStartup { get; set; } = true;

    /// <summary>How keys are stored in the id column. Default: <see cref="DbiSessionKeyStorage.Digest"/>.</summary>
    public DbiSessionKeyStorage KeyStorage { get; set; } = DbiSessionKeyStorage.Digest;

    /// <summary>
    /// The sliding expiration of an entry written without any expiration. Must be positive. Default: 20 minutes (the
    /// session middleware's default idle timeout).
    /// </summary>
    public TimeSpan DefaultSlidingExpiration { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>
    /// Lazy sliding: the fraction of an entry's sliding window that must pass after its expiry was last extended before a
    /// read or refresh extends it again. An idle entry then expires between <c>window × (1 − threshold)</c> and
    /// <c>window</c> after its last use, and an entry in use costs at most one row write per <c>window × threshold</c>.
    /// 0 extends on every read (a write per read); at most 0.5. Default: 0.1 (with a 20-minute window, an idle session ends
    /// 18 to 20 minutes after its last request, and a busy one is written at most every 2 minutes).
    /// </summary>
    public double SlidingExtensionThreshold { get; set; } = 0.1;

    /// <summary>
    /// For clusters: every read first waits until the node it runs on has applied all writes the cluster committed before
    /// it, so a session written through one node is read back through any other. On MariaDB Galera this sets
    /// <c>wsrep_sync_wait = 1</c>; on MySQL group replication (InnoDB Cluster) <c>group_replication_consistency =
    /// 'BEFORE'</c>. The cache fails at first use if the server is neither. Default: <see langword="false"/>.
    /// </summary>
    public bool CausalReads { get; set; }

    /// <summary>
    /// Whether operations on the table that arrive while others are in flight are sent together: reads as one
    /// <c>SELECT … IN</c>, writes as one multi-row upsert, removes as one <c>DELETE … IN</c>. A lone operation still goes out at
    /// once (there is no timer), and every caller gets the result or exception it would get alone. Turn it off to send one
    /// statement per operation. Default: <see langword="true"/>.
    /// </summary>
    public bool CoalesceOperations { get; set; } = true;

    /// <summary>How many operations one coalesced statement carries at most (1 to 1000). Default: 64.</summary>
    public int MaxBatchSize { get; set; } = 64;

    /// <summary>
    /// How many statements of one kind (reads, writes, refresh checks, extensions, removes) coalescing keeps in flight at
    /// once, each on its own connection; operations that arrive while all are busy wait for the next statement (1 to 64).
    /// Fewer means larger batches and fewer statements for the server; more means less waiting at moderate concurrency.
    /// Default: 2 (measured on 2 cores: 1, 2 and 4 within noise of each other at 16 and 64 callers).
    /// </summary>
    public int CoalescingConnections { get; set; } = 2;
}
