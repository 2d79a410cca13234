namespace SessionStore.Benchmarks.Http;

/// <summary>The three requests the benchmark app serves, each on its own path.</summary>
internal enum HttpRequestKind
{
    /// <summary><c>GET /read</c> with a seeded session's cookie: loads the session, reads the 1 KB value, returns its length.</summary>
    Read,

    /// <summary><c>POST /write</c> with a seeded session's cookie: loads the session and sets the 1 KB value.</summary>
    Write,

    /// <summary><c>GET /none</c> without a cookie: never touches the session, returns a constant.</summary>
    NoSession,
}
