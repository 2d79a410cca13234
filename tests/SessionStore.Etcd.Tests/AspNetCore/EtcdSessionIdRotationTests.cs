using System.Net;
using dotnet_etcd;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SessionStore.AspNetCore.Tests;

namespace SessionStore.Etcd.Tests.AspNetCore;

/// <summary>
/// <c>RegenerateSessionIdAsync</c> through the stock session middleware (TestHost) on <see cref="EtcdSessionCache"/>, with the
/// key ring in etcd too: an app that needs nothing but etcd. The rotation must take the cache's one-transaction move.
/// </summary>
public sealed class EtcdSessionIdRotationTests(EtcdServerFixture etcd) : IClassFixture<EtcdServerFixture>, IAsyncLifetime
{
    private const string CookieName = ".Tests.Session";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly string _prefix = $"rot-{Guid.NewGuid():N}/";
    private WebApplication _app = null!;
    private HttpClient _client = null!;
    private string? _cookie;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(_clock);
        builder.Services.AddEtcdSessionCache(o =>
        {
            o.Endpoints = [etcd.Endpoint];
            o.KeyPrefix = _prefix;
        });
        builder.Services.AddDataProtection().SetApplicationName("etcd-rotation").PersistKeysToEtcd(o => o.KeyPrefix = $"dp-{_prefix}");
        builder.Services.AddSession(o =>
        {
            o.Cookie.Name = CookieName;
            o.IdleTimeout = TimeSpan.FromMinutes(20);
        });

        _app = builder.Build();
        _app.UseSession();
        _app.MapSessionGetAndSet();
        _app.MapGet("/rotate", async (HttpContext http, string? after) =>
        {
            await http.Session.LoadAsync();
            var rotated = await http.RegenerateSessionIdAsync();
            if (after is not null)
            {
                http.Session.SetString("v", after);
            }

            return rotated ? "rotated" : "not rotated";
        });
        await _app.StartAsync();
        _client = _app.GetTestClient();
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>Sends a GET with the current session cookie; keeps the cookie the response sets, as a browser would.</summary>
    private async Task<string> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (_cookie is not null)
        {
            request.Headers.Add("Cookie", $"{CookieName}={_cookie}");
        }

        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies)
            && cookies.SingleOrDefault(c => c.StartsWith(CookieName + "=", StringComparison.Ordinal)) is { } cookie)
        {
            _cookie = cookie[(CookieName.Length + 1)..].Split(';')[0];
        }

        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The cache's entries in etcd: key and the exact envelope bytes.</summary>
    private async Task<List<(string Key, byte[] Value)>> StoredAsync()
    {
        using var client = new EtcdClient(etcd.Endpoint);
        var response = await client.GetRangeAsync(_prefix);
        return response.Kvs.Select(kv => (kv.Key.ToStringUtf8(), kv.Value.ToByteArray())).ToList();
    }

    [Fact]
    public async Task Rotate_KeepsTheDataUnderTheNewId_TheOldIdLoadsNothing()
    {
        Assert.Equal("ok", await GetAsync("/set?value=cart-1"));
        var oldCookie = _cookie;
        Assert.NotNull(oldCookie);

        Assert.Equal("rotated", await GetAsync("/rotate"));

        Assert.NotEqual(oldCookie, _cookie);
        Assert.Equal("cart-1", await GetAsync("/get"));
        _cookie = oldCookie;
        Assert.Equal("(none)", await GetAsync("/get"));
    }

    [Fact]
    public async Task Rotate_MovesTheEntryInOneTransaction_KeepingItsBytesAndExpiry()
    {
        await GetAsync("/set?value=cart-1");
        var before = Assert.Single(await StoredAsync());

        // A minute on, short of the lazy-sliding threshold (2 of 20 minutes): a copy would write a new expiry, the move keeps it.
        _clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal("rotated", await GetAsync("/rotate"));

        var after = Assert.Single(await StoredAsync());
        Assert.NotEqual(before.Key, after.Key);
        Assert.Equal(before.Value, after.Value);
    }

    [Fact]
    public async Task Rotate_KeepsChangesMadeAfterItInTheSameRequest()
    {
        await GetAsync("/set?value=v1");

        Assert.Equal("rotated", await GetAsync("/rotate?after=v2"));

        Assert.Equal("v2", await GetAsync("/get"));
        Assert.Single(await StoredAsync());
    }
}
