namespace SessionStore.Benchmarks.Http;

/// <summary>One cell of the table: a request kind at a number of open connections.</summary>
internal sealed record HttpCell(HttpRequestKind Kind, int Connections)
{
    public string KindLabel => Kind switch
    {
        HttpRequestKind.Read => "read (session loaded, 1 KB read)",
        HttpRequestKind.Write => "write (session loaded, 1 KB set)",
        HttpRequestKind.NoSession => "no session (anonymous, constant)",
        _ => throw new InvalidOperationException($"Unknown request kind {Kind}."),
    };

    /// <summary>wrk's threads: one per connection, at most two (the machine's cores are shared with the app and the servers).</summary>
    public int Threads => Math.Min(Connections, 2);

    public override string ToString() => $"{KindLabel}, c={Connections}";
}
