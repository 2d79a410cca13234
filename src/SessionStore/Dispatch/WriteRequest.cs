using SessionStore.Expiry;

namespace SessionStore.Dispatch;

/// <summary>
/// An upsert of one stored id: <paramref name="Data"/> is the data parameter as <see cref="Values.ValueCodec.ToParameter"/>
/// made it; <paramref name="Size"/> is what it adds to a statement, escapes included.
/// </summary>
internal readonly record struct WriteRequest(string Id, object Data, DateTime Now, EntryExpiration Expiration, long Size)
{
    /// <summary>
    /// The same write holding its own copy of the data: an operation that waits for a batch may outlive its caller's buffer
    /// (a caller that stops waiting returns its pooled array at once).
    /// </summary>
    public WriteRequest Detached() => Data switch
    {
        byte[] array => this with { Data = array.AsSpan().ToArray() },
        ReadOnlyMemory<byte> memory => this with { Data = memory.ToArray() },
        _ => this, // A string (Base64 text) is immutable.
    };
}
