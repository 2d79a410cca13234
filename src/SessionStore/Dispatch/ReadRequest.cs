using System.Buffers;

namespace SessionStore.Dispatch;

/// <summary>
/// A read of one stored id at <paramref name="Now"/>: the value and expiry facts, or with <paramref name="ExpiryOnly"/> (a
/// Refresh's check) the facts alone. A read sent alone writes the value into <paramref name="Destination"/> when there is
/// one; a coalesced one returns it.
/// </summary>
internal readonly record struct ReadRequest(string Id, DateTime Now, IBufferWriter<byte>? Destination = null, bool ExpiryOnly = false)
{
    /// <summary>The same read without the caller's buffer, which a caller that stops waiting may reuse.</summary>
    public ReadRequest Detached() => Destination is null ? this : this with { Destination = null };
}
