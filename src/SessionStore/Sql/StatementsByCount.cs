namespace SessionStore.Sql;

/// <summary>
/// A statement whose text depends on how many ids or rows it carries, built once per count on first use and then reused,
/// so that the server (and its statement digest tables) sees a handful of distinct texts, not one per request.
/// </summary>
internal sealed class StatementsByCount(Func<int, string> build)
{
    private string?[] _built = [];

    public string For(int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var built = Volatile.Read(ref _built);
        if (count < built.Length && built[count] is { } text)
        {
            return text;
        }

        // Two threads may build the same text at once; both are equal, and either copy may win.
        var grown = new string?[Math.Max(count + 1, built.Length)];
        Array.Copy(built, grown, built.Length);
        grown[count] = text = build(count);
        Volatile.Write(ref _built, grown);
        return text;
    }
}
