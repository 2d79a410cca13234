using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace SessionStore.AspNetCore.Tests;

/// <summary>
/// A real ASP.NET Core pipeline (TestHost) with the stock session middleware on DbiSessionCache, and a client that keeps
/// cookies as a browser would. Hosts built with the same table and key directory share sessions, as a web farm does.
/// </summary>
internal sealed class SessionTestApp : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly HttpClient _client;

    private SessionTestApp(WebApplication app, List<Exception> failures)
    {
        _app = app;
        _client = app.GetTestClient();
        Failures = failures;
    }

    public List<Exception> Failures { get; }

    public string? SessionCookie { get; set; }

    public static async Task<SessionTestApp> StartAsync(string table, DirectoryInfo keyRing, FakeTimeProvider clock, Action<WebApplicationBuilder>? configure = null)
    {
        var connectionString = await MySqlTestServer.ConnectionStringAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseTestServer();
        builder.Services.AddSingleton<TimeProvider>(clock);
        builder.Services.AddDataProtection().SetApplicationName("session-tests").PersistKeysToFileSystem(keyRing);
        builder.Services.AddDbiSessionCache(o =>
        {
            o.Dsn = connectionString;
            o.Table = table;
        });
        builder.Services.AddSession(o =>
        {
            o.Cookie.Name = ".Tests.Session";
            o.IdleTimeout = TimeSpan.FromMinutes(20);
        });
        configure?.Invoke(builder);

        var app = builder.Build();
        var failures = new List<Exception>();
        app.UseSession();
        app.MapSessionGetAndSet();
        app.MapGet("/rotate", async (HttpContext http, string? before, string? after) =>
        {
            await http.Session.LoadAsync();
            if (before is not null)
            {
                http.Session.SetString("v", before);
            }

            var rotated = await http.RegenerateSessionIdAsync();
            if (after is not null)
            {
                http.Session.SetString("v", after);
            }

            return rotated ? "rotated" : "not rotated";
        });
        app.MapGet("/rotate-late", async (HttpContext http) =>
        {
            await http.Response.WriteAsync("started");
            await http.Response.Body.FlushAsync();
            try
            {
                await http.RegenerateSessionIdAsync();
            }
            catch (InvalidOperationException ex)
            {
                lock (failures)
                {
                    failures.Add(ex);
                }
            }
        });
        await app.StartAsync();
        return new SessionTestApp(app, failures);
    }

    /// <summary>Sends a GET with the current session cookie; keeps the cookie the response sets.</summary>
    public async Task<string> GetAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (SessionCookie is not null)
        {
            request.Headers.Add("Cookie", $".Tests.Session={SessionCookie}");
        }

        using var response = await _client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        if (response.Headers.TryGetValues("Set-Cookie", out var cookies))
        {
            var values = cookies.Where(c => c.StartsWith(".Tests.Session=", StringComparison.Ordinal)).ToList();
            Assert.True(values.Count <= 1, "The response set the session cookie more than once: " + string.Join(" | ", values));
            if (values.Count == 1)
            {
                SessionCookie = values[0][".Tests.Session=".Length..].Split(';')[0];
            }
        }

        return await response.Content.ReadAsStringAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
