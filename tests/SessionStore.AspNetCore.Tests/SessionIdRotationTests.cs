using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace SessionStore.AspNetCore.Tests;

/// <summary>Session-id rotation on the real session middleware, DbiSessionCache and a real server.</summary>
public sealed class SessionIdRotationTests : IDisposable
{
    private readonly DirectoryInfo _keyRing = Directory.CreateTempSubdirectory("sessionstore-keys-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _keyRing.Delete(recursive: true);

    [Fact]
    public async Task Rotate_GivesANewCookie_TheNewIdLoadsTheSession_TheOldIdLoadsNothing()
    {
        var table = await MySqlTestServer.CreateTableAsync();
        await using var app = await SessionTestApp.StartAsync(table, _keyRing, _clock);
        Assert.Equal("ok", await app.GetAsync("/set?value=cart-1"));
        var oldCookie = app.SessionCookie;
        Assert.NotNull(oldCookie);

        Assert.Equal("rotated", await app.GetAsync("/rotate"));
        var newCookie = app.SessionCookie;

        Assert.NotEqual(oldCookie, newCookie);
        Assert.Equal("cart-1", await app.GetAsync("/get"));
        app.SessionCookie = oldCookie;
        Assert.Equal("(none)", await app.GetAsync("/get"));
    }

    [Fact]
    public async Task Rotate_KeepsChangesMadeBeforeAndAfterItInTheSameRequest()
    {
        var table = await MySqlTestServer.CreateTableAsync();
        await using var app = await SessionTestApp.StartAsync(table, _keyRing, _clock);
        await app.GetAsync("/set?value=v1");

        Assert.Equal("rotated", await app.GetAsync("/rotate?before=v2"));
        Assert.Equal("v2", await app.GetAsync("/get"));

        Assert.Equal("rotated", await app.GetAsync("/rotate?before=v3&after=v4"));
        Assert.Equal("v4", await app.GetAsync("/get"));
    }

    [Fact]
    public async Task Rotate_LeavesExactlyOneRowForTheSession()
    {
        var table = await MySqlTestServer.CreateTableAsync();
        await using var app = await SessionTestApp.StartAsync(table, _keyRing, _clock);
        await app.GetAsync("/set?value=v1");

        await app.GetAsync("/rotate");
        await app.GetAsync("/rotate");

        await using var connection = new MySqlConnector.MySqlConnection(await MySqlTestServer.ConnectionStringAsync());
        await connection.OpenAsync();
        await using var command = new MySqlConnector.MySqlCommand($"SELECT COUNT(*) FROM `{table}`", connection);
        Assert.Equal(1L, Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Rotate_OfASessionBegunInThisRequest_LeavesItAlone_AndItStillWorks()
    {
        var table = await MySqlTestServer.CreateTableAsync();
        await using var app = await SessionTestApp.StartAsync(table, _keyRing, _clock);

        Assert.Equal("not rotated", await app.GetAsync("/rotate?before=fresh"));

        Assert.NotNull(app.SessionCookie);
        Assert.Equal("fresh", await app.GetAsync("/get"));
    }

    [Fact]
    public async Task Rotate_AfterTheResponseStarted_IsRefused()
    {
        var table = await MySqlTestServer.CreateTableAsync();
        await using var app = await SessionTestApp.StartAsync(table, _keyRing, _clock);
        await app.GetAsync("/set?value=v1");

        Assert.Equal("started", await app.GetAsync("/rotate-late"));

        var failure = Assert.Single(app.Failures);
        Assert.Contains("before the response starts", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rotate_WithAnotherDistributedCache_CopiesAndRemoves()
    {
        await using var app = await SessionTestApp.StartAsync(
            "unused", _keyRing, _clock, builder => builder.Services
                .AddDistributedMemoryCache()
                .AddSingleton<Microsoft.Extensions.Caching.Distributed.IDistributedCache, Microsoft.Extensions.Caching.Distributed.MemoryDistributedCache>());
        await app.GetAsync("/set?value=memory");
        var oldCookie = app.SessionCookie;

        Assert.Equal("rotated", await app.GetAsync("/rotate"));
        Assert.Equal("memory", await app.GetAsync("/get"));
        app.SessionCookie = oldCookie;

        Assert.Equal("(none)", await app.GetAsync("/get"));
    }

    [Fact]
    public void VerifiedVersion_IsTheRunningAspNetCore()
    {
        Internal.SessionIdRotation.EnsureVerifiedMiddleware();

        Assert.Equal(Internal.SessionIdRotation.VerifiedMajorVersion, Environment.Version.Major);
    }
}
