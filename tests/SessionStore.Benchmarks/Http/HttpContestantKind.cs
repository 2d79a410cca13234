namespace SessionStore.Benchmarks.Http;

/// <summary>The stores the end-to-end benchmark puts behind the same app.</summary>
internal enum HttpContestantKind
{
    /// <summary><c>AddDbiSessionCache</c> with its defaults (operation coalescing on).</summary>
    DbiSessionCache,

    /// <summary><c>AddDbiSessionCache</c> with <c>CoalesceOperations = false</c>.</summary>
    DbiSessionCacheWithoutCoalescing,

    /// <summary><c>AddStackExchangeRedisCache</c>.</summary>
    Redis,

    /// <summary><see cref="MinimalSessionStore"/>: one plain statement per Get, Set and Remove, nothing on Refresh.</summary>
    MinimalStore,
}
