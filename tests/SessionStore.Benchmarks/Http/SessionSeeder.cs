using System.Collections.Concurrent;

namespace SessionStore.Benchmarks.Http;

/// <summary>
/// Creates the sessions the way visitors do: the writing endpoint called without a cookie, once per session; the app
/// establishes a session and answers with its cookie, which is kept for wrk.
/// </summary>
internal static class SessionSeeder
{
    private const int Parallelism = 16;

    public static async Task<IReadOnlyList<string>> SeedAsync(Uri baseAddress, int sessions, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { UseCookies = false, MaxConnectionsPerServer = Parallelism };
        using var client = new HttpClient(handler) { BaseAddress = baseAddress };
        var cookies = new ConcurrentBag<string>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, sessions),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (session, token) =>
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, SessionBenchmarkApp.WritePath);
                using var response = await client.SendAsync(request, token);
                _ = response.EnsureSuccessStatusCode();
                cookies.Add(SessionCookieOf(response));
            });

        var distinct = cookies.Distinct(StringComparer.Ordinal).ToArray();
        if (distinct.Length != sessions)
        {
            throw new InvalidOperationException($"Seeding {baseAddress} made {distinct.Length} distinct session cookies instead of {sessions}.");
        }

        return distinct;
    }

    /// <summary>
    /// Before anything is measured, a seeded session must come back with its 1 KB value through the read endpoint;
    /// otherwise the run would time misses.
    /// </summary>
    public static async Task VerifyReadAsync(Uri baseAddress, string cookie, CancellationToken cancellationToken)
    {
        using var handler = new SocketsHttpHandler { UseCookies = false };
        using var client = new HttpClient(handler) { BaseAddress = baseAddress };
        using var request = new HttpRequestMessage(HttpMethod.Get, SessionBenchmarkApp.ReadPath);
        request.Headers.Add("Cookie", cookie);
        using var response = await client.SendAsync(request, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        var expected = BenchmarkSettings.SmallValueSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        if (!response.IsSuccessStatusCode || body != expected)
        {
            throw new InvalidOperationException(
                $"{baseAddress} did not return a seeded session's {expected}-byte value: {(int)response.StatusCode} \"{body}\".");
        }
    }

    /// <summary>The <c>name=value</c> part of the session's Set-Cookie header, as a browser sends it back.</summary>
    private static string SessionCookieOf(HttpResponseMessage response)
    {
        var prefix = SessionBenchmarkApp.SessionCookieName + "=";
        var header = response.Headers.TryGetValues("Set-Cookie", out var values)
            ? values.FirstOrDefault(v => v.StartsWith(prefix, StringComparison.Ordinal))
            : null;
        if (header is null)
        {
            throw new InvalidOperationException($"The writing endpoint answered without a {SessionBenchmarkApp.SessionCookieName} cookie.");
        }

        var end = header.IndexOf(';', StringComparison.Ordinal);
        return end < 0 ? header : header[..end];
    }
}
