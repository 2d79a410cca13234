using SessionStore.Testing;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MySqlConnector;
using SessionStore.DevServer;
using SessionStore.Sql;

namespace SessionStore.IntegrationTests;

/// <summary>A table of its own for one test class, created from the schema DDL and dropped afterwards.</summary>
public sealed class SessionTableFixture : IAsyncLifetime
{
    private MySqlDevServer? _server;

    public string Table { get; } = "t_" + Guid.NewGuid().ToString("N")[..16];

    public string ConnectionString => _server?.ConnectionString ?? throw new InvalidOperationException("The fixture is not initialized.");

    /// <summary>The family of the server the tests run on.</summary>
    public MySqlServerFamily Family => _server?.Family ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync()
    {
        _server = await TestServer.GetAsync("sessionstore_tests");
        await ExecuteAsync(SqlStatements.CreateTableDdl(TableName.Parse(Table)));
    }

    public async Task DisposeAsync() => await ExecuteAsync($"DROP TABLE IF EXISTS `{Table}`");

    public async Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        await command.ExecuteNonQueryAsync();
    }

    public async Task<T?> ScalarAsync<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new MySqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var result = await command.ExecuteScalarAsync();
        return result is null or DBNull ? default : (T)Convert.ChangeType(result, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A cache on this table through the real DI registration, with a fake clock the test moves.</summary>
    public CacheUnderTest CreateCache(Action<DbiSessionCacheOptions>? configure = null, Action<IServiceCollection>? services = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
        var collection = new ServiceCollection().AddSingleton<TimeProvider>(clock);
        services?.Invoke(collection);
        collection.AddDbiSessionCache(o =>
        {
            o.Dsn = ConnectionString;
            o.Table = Table;
            configure?.Invoke(o);
        });
        var provider = collection.BuildServiceProvider();
        return new CacheUnderTest(provider, provider.GetRequiredService<IDistributedCache>(), clock);
    }
}
