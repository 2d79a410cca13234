namespace SessionStore.Benchmarks;

/// <summary>What one measured operation does; for the session shapes, one operation is one HTTP request.</summary>
internal enum Operation
{
    /// <summary><c>GetAsync</c>; the limit runs one PK SELECT.</summary>
    Get,

    /// <summary><c>TryGetAsync</c> into a reused buffer writer; the limit copies the column into the same writer.</summary>
    TryGet,

    /// <summary><c>SetAsync</c> over an existing entry; the limit runs one upsert.</summary>
    Set,

    /// <summary>A request that reads its session and leaves it unchanged: Get, then Refresh. The limit is one SELECT.</summary>
    SessionRead,

    /// <summary>A request that changes its session: Get, then Set. The limit is one SELECT and one upsert.</summary>
    SessionWrite,
}
