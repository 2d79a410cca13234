using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;

namespace SessionStore.AspNetCore.Tests;

/// <summary>
/// The Dancer session sharing against rows written as Dancer::Session::DBI writes them (plain SQL standing in for the Perl
/// app here; tests/SessionStore.DancerTests runs the real one): read, merge on save, destroy, id rotation.
/// </summary>
public sealed class DancerSessionTests : IAsyncLifetime
{
    private readonly string _table = "dancer_" + Guid.NewGuid().ToString("N")[..12];
    private WebApplication? _app;
    private HttpClient? _client;
    private Func<string, Task>? _betweenReadAndSave;

    public async Task InitializeAsync()
    {
        // The ancestor's shape: TEXT data, and a last_active the server stamps.
        await MySqlTestServer.ExecuteAsync(
            $"CREATE TABLE `{_table}` (id CHAR(40) NOT NULL PRIMARY KEY, session_data TEXT, " +
            "last_active TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        var connectionString = await MySqlTestServer.ConnectionStringAsync();
        builder.Services.AddDbiSessionCache(o =>
        {
            o.Dsn = connectionString;
            o.Table = _table;
            o.SweepExpiredEntries = false;
        });
        builder.Services.AddDancerSessions();
        _app = builder.Build();
        _app.MapGet("/get", async (HttpContext http, string key) =>
            (await http.GetDancerSessionAsync())?.Get(key)?.ToJsonString() ?? "(none)");
        _app.MapGet("/set", async (HttpContext http, string key, string value) =>
        {
            var session = await http.GetOrCreateDancerSessionAsync();
            session.Set(key, JsonValue.Create(value));
            if (_betweenReadAndSave is { } between)
            {
                await between(session.Id);
            }

            return (await session.SaveAsync()) ? session.Id : "(destroyed)";
        });
        _app.MapGet("/regenerate", async (HttpContext http) =>
        {
            var session = await http.GetDancerSessionAsync() ?? throw new InvalidOperationException("no session");
            await session.RegenerateIdAsync();
            return session.Id;
        });
        _app.MapGet("/destroy", async (HttpContext http) =>
        {
            await ((await http.GetDancerSessionAsync())?.DestroyAsync() ?? Task.CompletedTask);
            return "ok";
        });
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        await MySqlTestServer.ExecuteAsync($"DROP TABLE IF EXISTS `{_table}`");
    }

    [Fact]
    public async Task ARowDancerWrote_IsReadByTheCookieValue_AndSavingKeepsTheKeysDotNetDidNotTouch()
    {
        const string id = "123456789012345678901234567890";
        await InsertAsync(id, $$"""{"id":"{{id}}","user":"alice","cart":[1,2,{"sku":"x"}],"flash":null}""");

        Assert.Equal("\"alice\"", await GetAsync("/get?key=user", id));
        Assert.Equal(id, await GetAsync("/set?key=theme&value=dark", id));

        var document = JsonNode.Parse((await ReadAsync(id))!)!.AsObject();
        Assert.Equal(id, (string?)document["id"]);
        Assert.Equal("alice", (string?)document["user"]);
        Assert.Equal("""[1,2,{"sku":"x"}]""", document["cart"]!.ToJsonString());
        Assert.True(document.ContainsKey("flash"));
        Assert.Equal("dark", (string?)document["theme"]);
    }

    [Fact]
    public async Task AWriteByTheOtherAppBetweenReadAndSave_IsKept_AndTheSaveAppliesOnlyItsOwnKeys()
    {
        const string id = "223456789012345678901234567890";
        await InsertAsync(id, $$"""{"id":"{{id}}","user":"alice"}""");
        _betweenReadAndSave = async sessionId =>
            await ExecuteAsync($"UPDATE `{_table}` SET session_data = @d WHERE id = @id", sessionId, $$"""{"id":"{{sessionId}}","user":"alice","perl":"wrote"}""");

        await GetAsync("/set?key=dotnet&value=wrote", id);

        var document = JsonNode.Parse((await ReadAsync(id))!)!.AsObject();
        Assert.Equal("wrote", (string?)document["perl"]);
        Assert.Equal("wrote", (string?)document["dotnet"]);
    }

    [Fact]
    public async Task ASessionDestroyedBetweenReadAndSave_StaysDestroyed()
    {
        const string id = "323456789012345678901234567890";
        await InsertAsync(id, $$"""{"id":"{{id}}"}""");
        _betweenReadAndSave = async sessionId => await ExecuteAsync($"DELETE FROM `{_table}` WHERE id = @id", sessionId, null);

        Assert.Equal("(destroyed)", await GetAsync("/set?key=k&value=v", id));
        Assert.Null(await ReadAsync(id));
    }

    [Fact]
    public async Task RegenerateId_MovesAWeakIdToAStrongOne_DancerAccepts_WithTheDocumentsIdRewritten()
    {
        const string weak = "423456789012345678901234567890";
        await InsertAsync(weak, $$"""{"id":"{{weak}}","user":"bob"}""");

        using var response = await SendAsync("/regenerate", weak);
        var strong = await response.Content.ReadAsStringAsync();

        Assert.Matches("^[A-Za-z0-9_-]{32}$", strong);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith($"dancer.session={strong};", StringComparison.Ordinal));
        Assert.Null(await ReadAsync(weak));
        var document = JsonNode.Parse((await ReadAsync(strong))!)!.AsObject();
        Assert.Equal(strong, (string?)document["id"]);
        Assert.Equal("bob", (string?)document["user"]);
    }

    [Fact]
    public async Task ANewSessionMadeOnDotNet_HasAStrongIdAndADocumentDancerReads_AndDestroyEndsIt()
    {
        using var response = await SendAsync("/set?key=user&value=carol", cookie: null);
        var id = await response.Content.ReadAsStringAsync();

        Assert.Matches("^[A-Za-z0-9_-]{32}$", id);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith($"dancer.session={id};", StringComparison.Ordinal));
        var document = JsonNode.Parse((await ReadAsync(id))!)!.AsObject();
        Assert.Equal(id, (string?)document["id"]);
        Assert.Equal("carol", (string?)document["user"]);

        Assert.Equal("ok", await GetAsync("/destroy", id));
        Assert.Null(await ReadAsync(id));
        Assert.Equal("(none)", await GetAsync("/get?key=user", id));
    }

    [Theory]
    [InlineData("../../etc")]
    [InlineData("a b")]
    [InlineData("0123456789012345678901234567890123456789-too-long")]
    public async Task ACookieDancerWouldRefuse_ReadsNoSession(string cookie)
    {
        Assert.Equal("(none)", await GetAsync("/get?key=user", cookie));
    }

    private async Task<string> GetAsync(string path, string? cookie)
    {
        using var response = await SendAsync(path, cookie);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<HttpResponseMessage> SendAsync(string path, string? cookie)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (cookie is not null)
        {
            request.Headers.Add("Cookie", $"dancer.session={Uri.EscapeDataString(cookie)}");
        }

        return await _client!.SendAsync(request);
    }

    private Task InsertAsync(string id, string document) =>
        ExecuteAsync($"INSERT INTO `{_table}` (id, session_data) VALUES (@id, @d)", id, document);

    private static async Task ExecuteAsync(string sql, string id, string? document)
    {
        await using var connection = new MySqlConnection(await MySqlTestServer.ConnectionStringAsync());
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue("@id", id);
        command.Parameters.AddWithValue("@d", document);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<string?> ReadAsync(string id)
    {
        await using var connection = new MySqlConnection(await MySqlTestServer.ConnectionStringAsync());
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"SELECT session_data FROM `{_table}` WHERE id = @id", connection);
        command.Parameters.AddWithValue("@id", id);
        return (string?)await command.ExecuteScalarAsync();
    }
}
