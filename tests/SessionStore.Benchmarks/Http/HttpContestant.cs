using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace SessionStore.Benchmarks.Http;

/// <summary>One store behind its own running instance of the benchmark app, with the cookies of its seeded sessions.</summary>
internal sealed class HttpContestant : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Dictionary<HttpRequestKind, string> _scripts = [];

    public HttpContestant(HttpContestantKind kind, string name, WebApplication app, Uri baseAddress, string? table)
    {
        Kind = kind;
        Name = name;
        _app = app;
        BaseAddress = baseAddress;
        Table = table;
        Failures = app.Services.GetRequiredService<AppFailures>();
    }

    public HttpContestantKind Kind { get; }

    public string Name { get; }

    public Uri BaseAddress { get; }

    /// <summary>The contestant's own table on the MySQL server, or null for a store elsewhere (Redis).</summary>
    public string? Table { get; }

    public bool UsesMySql => Table is not null;

    /// <summary>Misses and errors inside the app over the whole run, warm-up and seeding included.</summary>
    public AppFailures Failures { get; }

    public Uri UrlOf(HttpRequestKind kind) => new(BaseAddress, SessionBenchmarkApp.PathOf(kind));

    /// <summary>The wrk script for a request kind; null for a request sent without a cookie.</summary>
    public string? ScriptFor(HttpRequestKind kind) => _scripts.GetValueOrDefault(kind);

    public void UseScript(HttpRequestKind kind, string scriptPath) => _scripts[kind] = scriptPath;

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
