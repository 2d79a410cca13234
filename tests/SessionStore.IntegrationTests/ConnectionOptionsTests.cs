using System.Data.Common;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;

namespace SessionStore.IntegrationTests;

public sealed class ConnectionOptionsTests(SessionTableFixture table) : IClassFixture<SessionTableFixture>
{
    private static readonly DistributedCacheEntryOptions s_noExpiry = new();

    private static async Task AssertRoundTripAsync(IDistributedCache cache)
    {
        var key = Guid.NewGuid().ToString();
        await cache.SetAsync(key, [5, 6], s_noExpiry);
        Assert.Equal([5, 6], await cache.GetAsync(key));
    }

    [Fact]
    public async Task PerlDbiDsn_WithSeparateUserAndPassword_Connects()
    {
        var server = new MySqlConnectionStringBuilder(table.ConnectionString);
        var user = "u" + Guid.NewGuid().ToString("N")[..10];
        const string password = "pa;ss'w\"ord";
        foreach (var host in new[] { "%", "127.0.0.1", "localhost" })
        {
            await table.ExecuteAsync($"CREATE USER '{user}'@'{host}' IDENTIFIED BY @p", ("@p", password));
            await table.ExecuteAsync($"GRANT SELECT, INSERT, UPDATE, DELETE ON `{server.Database}`.* TO '{user}'@'{host}'");
        }

        using var sut = table.CreateCache(o =>
        {
            o.Dsn = $"DBI:mysql:database={server.Database};host={server.Server};port={server.Port}";
            o.User = user;
            o.Password = password;
        });

        await AssertRoundTripAsync(sut.Cache);
    }

    [Fact]
    public async Task WrongPassword_FailsWithTheServersAccessDeniedError()
    {
        using var sut = table.CreateCache(o => o.Password = "definitely-wrong-" + Guid.NewGuid());

        var exception = await Assert.ThrowsAsync<MySqlException>(() => sut.Cache.GetAsync("k"));

        Assert.Equal(MySqlErrorCode.AccessDenied, exception.ErrorCode);
    }

    [Fact]
    public async Task KeyedDataSourceFromDi_IsUsed()
    {
        using var dataSource = new MySqlDataSource(table.ConnectionString);
        using var sut = table.CreateCache(
            o =>
            {
                o.Dsn = null;
                o.DataSourceServiceKey = "sessions-db";
            },
            services => services.AddKeyedSingleton<DbDataSource>("sessions-db", dataSource));

        await AssertRoundTripAsync(sut.Cache);
    }

    [Fact]
    public async Task DataSourceGivenInOptions_SurvivesTheCache()
    {
        using var given = new MySqlDataSource(table.ConnectionString);
        var sut = table.CreateCache(o =>
        {
            o.Dsn = null;
            o.DataSource = given;
        });
        await AssertRoundTripAsync(sut.Cache);

        sut.Dispose();

        await using var stillUsable = await given.OpenConnectionAsync();
        Assert.Equal(System.Data.ConnectionState.Open, stillUsable.State);
    }

    [Fact]
    public async Task UnkeyedDataSourceFromDi_IsUsedWhenNoConnectionOptionIsSet()
    {
        using var dataSource = new MySqlDataSource(table.ConnectionString);
        using var sut = table.CreateCache(o => o.Dsn = null, services => services.AddSingleton<DbDataSource>(dataSource));

        await AssertRoundTripAsync(sut.Cache);
    }

    [Fact]
    public async Task ConnectionFactory_IsCalledPerOperation_AndItsConnectionsAreDisposed()
    {
        var created = new List<MySqlConnection>();
        using var sut = table.CreateCache(o =>
        {
            o.Dsn = null;
            o.ConnectionFactory = _ =>
            {
                var connection = new MySqlConnection(table.ConnectionString);
                lock (created)
                {
                    created.Add(connection);
                }

                return connection;
            };
        });

        await AssertRoundTripAsync(sut.Cache);

        Assert.True(created.Count >= 3); // binding, set, get
        Assert.All(created, c => Assert.Equal(System.Data.ConnectionState.Closed, c.State));
    }

    [Fact]
    public async Task ConnectionFactory_ReturningAnotherProvidersConnection_FailsClearly()
    {
        using var sut = table.CreateCache(o =>
        {
            o.Dsn = null;
            o.ConnectionFactory = _ => new NotMySqlConnection();
        });

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => sut.Cache.GetAsync("k"));

        Assert.Contains("needs MySqlConnector connections", exception.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(NotMySqlConnection), exception.Message, StringComparison.Ordinal);
    }

    private sealed class NotMySqlConnection : DbConnection
    {
#pragma warning disable CS8764, CS8765
        public override string ConnectionString { get; set; } = "";
#pragma warning restore CS8764, CS8765
        public override string Database => "";
        public override string DataSource => "";
        public override string ServerVersion => "";
        public override System.Data.ConnectionState State => System.Data.ConnectionState.Closed;
        public override void ChangeDatabase(string databaseName) => throw new NotSupportedException();
        public override void Close() { }
        public override void Open() => throw new NotSupportedException();
        protected override DbTransaction BeginDbTransaction(System.Data.IsolationLevel isolationLevel) => throw new NotSupportedException();
        protected override DbCommand CreateDbCommand() => throw new NotSupportedException();
    }
}
