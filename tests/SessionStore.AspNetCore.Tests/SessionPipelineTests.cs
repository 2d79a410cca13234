using Microsoft.Extensions.Time.Testing;

namespace SessionStore.AspNetCore.Tests;

/// <summary>The stock session middleware on DbiSessionCache, end to end through real pipelines and a real server.</summary>
public sealed class SessionPipelineTests : IDisposable
{
    private readonly DirectoryInfo _keyRing = Directory.CreateTempSubdirectory("sessionstore-keys-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _keyRing.Delete(recursive: true);

    [Fact]
    public async Task Session_RoundTripsThroughTheCookie()
    {
        var table = await MySqlTestServer.CreateTableAsync();
        await using var app = await SessionTestApp.StartAsync(table, _keyRing, _clock);

        Assert.Equal("(none)", await app.GetAsync("/get"));
        Assert.Equal("ok", await app.GetAsync("/set?value=apple"));

        Assert.Equal("apple", await app.GetAsync("/get"));
    }

    [Fact]
    public async Task Session_SurvivesARestartOfTheApp()
    {
        var table = await MySqlTestServer.CreateTableAsync();
        string? cookie;
        await using (var before = await SessionTestApp.StartAsync(table, _keyRing, _clock))
        {
            await before.GetAsync("/set?value=kept");
            cookie = before.SessionCookie;
        }

        await using var after = await SessionTestApp.StartAsync(table, _keyRing, _clock);
        after.SessionCookie = cookie;

        Assert.Equal("kept", await after.GetAsync("/get"));
    }

    [Fact]
    public async Task TwoHosts_SharingTableAndKeyRing_ShareSessionsBothWays()
    {
        var table = await MySqlTestServer.CreateTableAsync();
        await using var first = await SessionTestApp.StartAsync(table, _keyRing, _clock);
        await using var second = await SessionTestApp.StartAsync(table, _keyRing, _clock);

        await first.GetAsync("/set?value=from-first");
        second.SessionCookie = first.SessionCookie;
        Assert.Equal("from-first", await second.GetAsync("/get"));

        await second.GetAsync("/set?value=from-second");
        Assert.Equal("from-second", await first.GetAsync("/get"));
    }

    [Fact]
    public async Task TwoHosts_WithDifferentKeyRings_DoNotShareSessions()
    {
        var table = await MySqlTestServer.CreateTableAsync();
        var otherKeyRing = Directory.CreateTempSubdirectory("sessionstore-keys-");
        try
        {
            await using var first = await SessionTestApp.StartAsync(table, _keyRing, _clock);
            await using var second = await SessionTestApp.StartAsync(table, otherKeyRing, _clock);
            await first.GetAsync("/set?value=private");

            second.SessionCookie = first.SessionCookie;

            Assert.Equal("(none)", await second.GetAsync("/get"));
        }
        finally
        {
            otherKeyRing.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Session_ExpiresAfterItsIdleTimeout_AndNotBefore()
    {
        var table = await MySqlTestServer.CreateTableAsync();
        await using var app = await SessionTestApp.StartAsync(table, _keyRing, _clock);
        await app.GetAsync("/set?value=idle");

        _clock.Advance(TimeSpan.FromMinutes(17)); // inside the 20-minute idle timeout, even with lazy sliding (18 to 20)
        Assert.Equal("idle", await app.GetAsync("/get"));

        _clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal("(none)", await app.GetAsync("/get"));
    }
}
