using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MySqlConnector;
using SessionStore.Testing;

namespace SessionStore.IntegrationTests.Coalescing;

/// <summary>
/// A database of its own for one coalescing test class, holding a <c>sessions</c> table made by running
/// schema/mysql/001_create_sessions.sql as a DBA would; more tables can be made from the same script under other names.
/// The cache's connections are the only ones whose default database it is, so a test can tell its own statements apart
/// from those of test classes running beside it on the same server (see <see cref="StatementCounter"/>).
/// </summary>
public sealed class CoalescingDatabaseFixture : IAsyncLifetime
{
    private string? _serverConnectionString;

    public string Database { get; } = "coalesce_" + Guid.NewGuid().ToString("N")[..16];

    public string Table { get; } = "sessions";

    /// <summary>The cache's connection string: the test server's, with <see cref="Database"/> as default database.</summary>
    public string ConnectionString => new MySqlConnectionStringBuilder(ServerConnectionString) { Database = Database }.ConnectionString;

    private string AdminConnectionString => new MySqlConnectionStringBuilder(ServerConnectionString) { Database = "" }.ConnectionString;

    private string ServerConnectionString => _serverConnectionString ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync()
    {
        _serverConnectionString = (await TestServer.GetAsync("sessionstore_tests")).ConnectionString;
        await ExecuteAsync(AdminConnectionString, $"CREATE DATABASE `{Database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        await CreateTableAsync(Table);
    }

    public async Task DisposeAsync() => await ExecuteAsync(AdminConnectionString, $"DROP DATABASE IF EXISTS `{Database}`");

    /// <summary>Creates <paramref name="name"/> in <see cref="Database"/> with the documented schema, as its script says to.</summary>
    public async Task CreateTableAsync(string name)
    {
        // The script's header: "Rename `sessions` if you set the Table option to another name."
        var script = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "schema", "001_create_sessions.sql"));
        await ExecuteAsync(script.Replace("`sessions`", $"`{name}`", StringComparison.Ordinal));
    }

    public Task ExecuteAsync(string sql) => ExecuteAsync(ConnectionString, sql);

    /// <summary>
    /// A cache on <paramref name="table"/> (by default <see cref="Table"/>) through the real DI registration, with a fake
    /// clock the test moves.
    /// </summary>
    public CacheUnderTest CreateCache(Action<DbiSessionCacheOptions>? configure = null, string? table = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var collection = new ServiceCollection().AddSingleton<TimeProvider>(clock);
        collection.AddDbiSessionCache(o =>
        {
            o.Dsn = ConnectionString;
            o.Table = table ?? Table;
            configure?.Invoke(o);
        });
        var provider = collection.BuildServiceProvider();
        return new CacheUnderTest(provider, provider.GetRequiredService<IDistributedCache>(), clock);
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
