using MySqlConnector;
using Xunit.Abstractions;

namespace SessionStore.EndToEndTests;

/// <summary>
/// The sample pointed at a database a Dancer app already uses: the Perl ancestor's <c>sessions</c> table, no key table, a
/// user with only SELECT, INSERT, UPDATE and DELETE on the sessions, and <c>CreateTableIfMissing</c> off.
/// </summary>
public sealed class SampleOnAnExistingDatabaseTests(MySqlServerFixture server, ITestOutputHelper output) : IClassFixture<MySqlServerFixture>
{
    private const string Password = "least-privilege";
    private static readonly string[] s_hosts = ["%", "127.0.0.1", "localhost"];

    [Fact]
    public async Task WithoutTheKeyTable_StopsAtStartupSayingWhatToRun_AndStartsOnceThatIsDone()
    {
        var admin = await server.CreateDatabaseAsync();
        var database = new MySqlConnectionStringBuilder(admin).Database;
        var user = "web" + Guid.NewGuid().ToString("N")[..10];
        try
        {
            await server.ExecuteAsync(
                "CREATE TABLE sessions (id CHAR(40) PRIMARY KEY, session_data TEXT, " +
                "last_active TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)",
                database);
            foreach (var host in s_hosts)
            {
                await server.ExecuteAsync($"CREATE USER '{user}'@'{host}' IDENTIFIED BY '{Password}'");
                await server.ExecuteAsync($"GRANT SELECT, INSERT, UPDATE, DELETE ON `{database}`.`sessions` TO '{user}'@'{host}'");
            }

            var asTheApp = new MySqlConnectionStringBuilder(admin) { UserID = user, Password = Password }.ConnectionString;
            var port = LoopbackPort.FindFree();

            var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => SampleApp.StartAsync(port, asTheApp, createTables: false));
            output.WriteLine(refused.Message);

            Assert.Contains("exited with code 1", refused.Message, StringComparison.Ordinal);
            Assert.Contains($"SessionSample cannot start on this database: The Data Protection key table 'dataprotection_keys' does not exist in database '{database}'", refused.Message, StringComparison.Ordinal);
            Assert.Contains($"run schema/mysql/002_create_dataprotection_keys.sql in database '{database}'", refused.Message, StringComparison.Ordinal);
            Assert.Contains($"GRANT SELECT, INSERT, UPDATE, DELETE ON `{database}`.`dataprotection_keys` TO '{user}'@'", refused.Message, StringComparison.Ordinal);
            Assert.Contains("SessionStore:CreateTableIfMissing", refused.Message, StringComparison.Ordinal);

            // Do what it said, as a DBA would: the schema file, then the grant.
            await server.ExecuteAsync(await File.ReadAllTextAsync(SchemaFile()), database);
            foreach (var host in s_hosts)
            {
                await server.ExecuteAsync($"GRANT SELECT, INSERT, UPDATE, DELETE ON `{database}`.`dataprotection_keys` TO '{user}'@'{host}'");
            }

            await using var app = await SampleApp.StartAsync(port, asTheApp, createTables: false);
            using var http = new HttpClient();
            using var page = await http.GetAsync(app.BaseUrl + "/");
            Assert.True(page.IsSuccessStatusCode, $"GET / answered {(int)page.StatusCode}. The app's output:\n{app.Output}");
        }
        finally
        {
            foreach (var host in s_hosts)
            {
                await server.ExecuteAsync($"DROP USER IF EXISTS '{user}'@'{host}'");
            }

            await server.DropDatabaseAsync(admin);
        }
    }

    private static string SchemaFile()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SessionStore.sln")))
        {
            directory = directory.Parent;
        }

        return Path.Combine(
            directory?.FullName ?? throw new InvalidOperationException($"No SessionStore.sln above {AppContext.BaseDirectory}."),
            "schema", "mysql", "002_create_dataprotection_keys.sql");
    }
}
