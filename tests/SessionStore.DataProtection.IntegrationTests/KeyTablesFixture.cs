using SessionStore.Testing;
using TableName = SessionStore.Sql.TableName;
using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using SessionStore.DataProtection.Sql;
using SessionStore.DevServer;

namespace SessionStore.DataProtection.IntegrationTests;

/// <summary>
/// Key tables for one test class: each test asks for its own (a key ring is shared state, so tests must not share one), and
/// every table handed out is dropped when the class is done.
/// </summary>
public sealed class KeyTablesFixture : IAsyncLifetime
{
    private readonly ConcurrentBag<string> _tables = [];
    private MySqlDevServer? _server;

    public string ConnectionString => _server?.ConnectionString ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync() => _server = await TestServer.GetAsync("sessionstore_dataprotection_tests");

    public async Task DisposeAsync()
    {
        foreach (var table in _tables)
        {
            await ExecuteAsync($"DROP TABLE IF EXISTS {TableName.Parse(table).Quoted}");
        }
    }

    /// <summary>A fresh table name, not yet created, that the fixture drops at the end.</summary>
    public string NewTableName(string prefix = "keys")
    {
        var name = prefix + "_" + Guid.NewGuid().ToString("N")[..12];
        _tables.Add(name);
        return name;
    }

    /// <summary>A fresh, empty key table made from the schema DDL.</summary>
    public async Task<string> CreateTableAsync()
    {
        var name = NewTableName();
        await ExecuteAsync(SqlStatements.CreateTableDdl(TableName.Parse(name)));
        return name;
    }

    /// <summary>
    /// What one server of a farm builds: Data Protection with the given application name, its key ring in <paramref name="table"/>.
    /// </summary>
    public ServiceProvider CreateProvider(
        string table,
        Action<DbiXmlRepositoryOptions>? configure = null,
        Action<IServiceCollection>? services = null,
        string applicationName = "x")
    {
        var collection = new ServiceCollection();
        services?.Invoke(collection);
        collection.AddDataProtection()
            .SetApplicationName(applicationName)
            .PersistKeysToDbi(o =>
            {
                o.Dsn = ConnectionString;
                o.Table = table;
                configure?.Invoke(o);
            });
        return collection.BuildServiceProvider();
    }

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
        return result is null or DBNull ? default : (T)Convert.ChangeType(result, Nullable.GetUnderlyingType(typeof(T)) ?? typeof(T), CultureInfo.InvariantCulture);
    }

    public Task<bool> TableExistsAsync(string table) =>
        ScalarAsync<bool>("SELECT COUNT(*) > 0 FROM INFORMATION_SCHEMA.TABLES WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = @t", ("@t", table));
}
