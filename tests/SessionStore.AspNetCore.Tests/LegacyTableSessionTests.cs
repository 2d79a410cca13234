using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MySqlConnector;

namespace SessionStore.AspNetCore.Tests;

/// <summary>
/// The stock session middleware, end to end, on the tables the Perl ancestor (Dancer::Session::DBI) left behind, used as
/// they stand: the minimal one, one with a TIMESTAMP last_active, a MEMORY table with VARCHAR data, and renamed columns.
/// </summary>
public sealed class LegacyTableSessionTests : IDisposable
{
    private readonly DirectoryInfo _keyRing = Directory.CreateTempSubdirectory("sessionstore-keys-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _keyRing.Delete(recursive: true);

    [Fact]
    public async Task MinimalTable_KeepsSessionsAcrossRestarts_StoredAsBase64Text()
    {
        var table = await CreateLegacyTableAsync("id CHAR(40) PRIMARY KEY, session_data TEXT");
        string? cookie;
        await using (var before = await SessionTestApp.StartAsync(table, _keyRing, _clock))
        {
            Assert.Equal("ok", await before.GetAsync("/set?value=kept"));
            Assert.Equal("kept", await before.GetAsync("/get"));
            cookie = before.SessionCookie;
        }

        await using var after = await SessionTestApp.StartAsync(table, _keyRing, _clock);
        after.SessionCookie = cookie;

        Assert.Equal("kept", await after.GetAsync("/get"));
        var stored = await ScalarAsync<string>($"SELECT session_data FROM `{table}`");
        Assert.NotEmpty(Convert.FromBase64String(stored)); // the middleware's binary format, as Base64
    }

    [Fact]
    public async Task MinimalTable_NeverExpiresASession_ForItHasNoTimeToGoBy()
    {
        var table = await CreateLegacyTableAsync("id CHAR(40) PRIMARY KEY, session_data TEXT");
        await using var app = await SessionTestApp.StartAsync(table, _keyRing, _clock);
        await app.GetAsync("/set?value=forever");

        _clock.Advance(TimeSpan.FromDays(30));

        Assert.Equal("forever", await app.GetAsync("/get"));
    }

    [Fact]
    public async Task LastActiveTimestampTable_EndsASessionAfterItsIdleTimeout_AndNotBefore()
    {
        var table = await CreateLegacyTableAsync(
            "id CHAR(40) PRIMARY KEY, session_data TEXT, last_active TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP");
        await using var app = await SessionTestApp.StartAsync(table, _keyRing, _clock);
        await app.GetAsync("/set?value=active");

        _clock.Advance(TimeSpan.FromMinutes(17)); // inside the 20-minute idle timeout, even with lazy sliding (18 to 20)
        Assert.Equal("active", await app.GetAsync("/get"));
        _clock.Advance(TimeSpan.FromMinutes(17)); // 34 minutes after the first request, 17 after the last one
        Assert.Equal("active", await app.GetAsync("/get"));

        var lastActive = await ScalarAsync<long>($"SELECT UNIX_TIMESTAMP(last_active) FROM `{table}`");
        Assert.Equal(_clock.GetUtcNow().ToUnixTimeSeconds(), lastActive); // the app's clock, not the server's
        _clock.Advance(TimeSpan.FromMinutes(21));
        Assert.Equal("(none)", await app.GetAsync("/get"));
    }

    [Fact]
    public async Task MemoryTableWithVarchar_SharesSessionsBetweenTwoHosts()
    {
        var table = await CreateLegacyTableAsync("id CHAR(40) NOT NULL PRIMARY KEY, session_data VARCHAR(2000) NOT NULL", engine: "MEMORY");
        await using var first = await SessionTestApp.StartAsync(table, _keyRing, _clock);
        await using var second = await SessionTestApp.StartAsync(table, _keyRing, _clock);

        await first.GetAsync("/set?value=from-first");
        second.SessionCookie = first.SessionCookie;
        Assert.Equal("from-first", await second.GetAsync("/get"));

        await second.GetAsync("/set?value=from-second");
        Assert.Equal("from-second", await first.GetAsync("/get"));
    }

    [Fact]
    public async Task MemoryTableWithVarchar_ASessionTooLargeForTheColumn_IsNotStored_AndTheRequestStillSucceeds()
    {
        // VARCHAR(200) holds 150 bytes as Base64; the session's own framing takes a few of them.
        var table = await CreateLegacyTableAsync("id CHAR(40) NOT NULL PRIMARY KEY, session_data VARCHAR(200) NOT NULL", engine: "MEMORY");
        await using var app = await SessionTestApp.StartAsync(table, _keyRing, _clock);
        await app.GetAsync("/set?value=small");

        Assert.Equal("ok", await app.GetAsync("/set?value=" + new string('x', 300)));

        Assert.Equal("small", await app.GetAsync("/get"));
    }

    [Fact]
    public async Task RenamedColumns_SetThroughTheOptions_CarryTheSession_AndItsIdleTimeout()
    {
        var table = await CreateLegacyTableAsync("sid CHAR(40) PRIMARY KEY, payload TEXT, touched DATETIME NOT NULL");
        await using var app = await SessionTestApp.StartAsync(table, _keyRing, _clock, builder =>
            builder.Services.Configure<DbiSessionCacheOptions>(o =>
            {
                o.IdColumn = "sid";
                o.DataColumn = "payload";
                o.LastActiveColumn = "touched";
            }));

        await app.GetAsync("/set?value=renamed");
        Assert.Equal("renamed", await app.GetAsync("/get"));
        Assert.Equal(1L, await ScalarAsync<long>($"SELECT COUNT(*) FROM `{table}` WHERE touched = @now", ("@now", _clock.GetUtcNow().UtcDateTime)));

        _clock.Advance(TimeSpan.FromMinutes(21));
        Assert.Equal("(none)", await app.GetAsync("/get"));
    }

    private static async Task<string> CreateLegacyTableAsync(string columns, string engine = "InnoDB")
    {
        var table = "legacy_" + Guid.NewGuid().ToString("N")[..12];
        await MySqlTestServer.ExecuteAsync($"CREATE TABLE `{table}` ({columns}) ENGINE={engine}");
        return table;
    }

    private static async Task<T> ScalarAsync<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = new MySqlConnection(await MySqlTestServer.ConnectionStringAsync());
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)Convert.ChangeType((await command.ExecuteScalarAsync())!, typeof(T), CultureInfo.InvariantCulture);
    }
}
