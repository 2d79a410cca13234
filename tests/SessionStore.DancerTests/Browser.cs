using System.Net;
using System.Text.Json.Nodes;

namespace SessionStore.DancerTests;

/// <summary>
/// One browser: a cookie jar used against both apps. Both listen on 127.0.0.1 and cookies are not scoped by port, so a
/// session cookie either app sets is sent to the other, as it is behind one host name.
/// </summary>
internal sealed class Browser : IDisposable
{
    private readonly HttpClient _client;

    public Browser()
    {
        Cookies = new CookieContainer();
        // plackup's server (HTTP::Server::PSGI) answers HTTP/1.0 and closes every connection, yet the handler put them back
        // in its pool and reused them: about one Perl request in four failed with "Connection reset by peer" (even with
        // Connection: close on the request). A lifetime of zero makes every request open its own connection.
        _client = new HttpClient(new SocketsHttpHandler { CookieContainer = Cookies, UseCookies = true, PooledConnectionLifetime = TimeSpan.Zero })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
    }

    public CookieContainer Cookies { get; }

    /// <summary>The value of the <c>dancer.session</c> cookie the browser holds for 127.0.0.1, or null.</summary>
    public string? SessionCookie(string name = "dancer.session") =>
        Cookies.GetCookies(new Uri("http://127.0.0.1/")).FirstOrDefault(c => c.Name == name && !c.Expired)?.Value;

    /// <summary>GETs <paramref name="pathAndQuery"/> from the app at <paramref name="app"/>; expects 200 and a JSON object.</summary>
    public async Task<JsonObject> GetAsync(Uri app, string pathAndQuery, Func<string>? diagnostics = null)
    {
        HttpResponseMessage response;
        try
        {
            response = await _client.GetAsync(new Uri(app, pathAndQuery));
        }
        catch (HttpRequestException ex)
        {
            throw new HttpRequestException($"GET {new Uri(app, pathAndQuery)} failed: {ex.Message}\n{diagnostics?.Invoke()}", ex);
        }

        using var _ = response;
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK)
        {
            Assert.Fail($"GET {new Uri(app, pathAndQuery)} answered {(int)response.StatusCode}: {body}\n{diagnostics?.Invoke()}");
        }

        return JsonNode.Parse(body)!.AsObject();
    }

    public void Dispose() => _client.Dispose();
}
