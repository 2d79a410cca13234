using System.Buffers;
using System.Buffers.Binary;
using SessionStore.Expiry;

namespace SessionStore.Etcd.Storage;

/// <summary>
/// The stored form of an entry: a version byte, then little-endian <c>expires_at</c> ticks (UTC), the sliding window in
/// microseconds or -1, the absolute deadline ticks or -1, then the value's bytes. Every entry carries its own expiry because
/// etcd's leases are not exact (a restart resets their remaining time).
/// </summary>
internal static class Envelope
{
    public const byte Version = 1;

    /// <summary>Bytes before the value.</summary>
    public const int HeaderLength = 1 + 8 + 8 + 8;

    public static byte[] Write(EntryExpiration expiration, ReadOnlySequence<byte> value)
    {
        var stored = GC.AllocateUninitializedArray<byte>(HeaderLength + checked((int)value.Length));
        WriteHeader(stored, expiration);
        value.CopyTo(stored.AsSpan(HeaderLength));
        return stored;
    }

    /// <summary>The same entry with a new expiry: an extension rewrites the header and keeps the value.</summary>
    public static byte[] WithExpiration(ReadOnlySpan<byte> stored, EntryExpiration expiration)
    {
        var copy = stored.ToArray();
        WriteHeader(copy, expiration);
        return copy;
    }

    /// <summary>Reads the header; <see langword="false"/> for bytes that are not an envelope of this version.</summary>
    public static bool TryRead(ReadOnlySpan<byte> stored, out EntryExpiration expiration)
    {
        expiration = default;
        if (stored.Length < HeaderLength || stored[0] != Version)
        {
            return false;
        }

        var expiresAt = BinaryPrimitives.ReadInt64LittleEndian(stored[1..]);
        var slidingUs = BinaryPrimitives.ReadInt64LittleEndian(stored[9..]);
        var deadline = BinaryPrimitives.ReadInt64LittleEndian(stored[17..]);
        if (!IsTicks(expiresAt) || slidingUs < -1 || slidingUs is 0 || (deadline != -1 && !IsTicks(deadline)))
        {
            return false;
        }

        expiration = new EntryExpiration(
            new DateTime(expiresAt, DateTimeKind.Utc),
            slidingUs < 0 ? null : TimeSpan.FromTicks(slidingUs * TimeSpan.TicksPerMicrosecond),
            deadline < 0 ? null : new DateTime(deadline, DateTimeKind.Utc));
        return true;
    }

    public static ReadOnlySpan<byte> Data(ReadOnlySpan<byte> stored) => stored[HeaderLength..];

    private static bool IsTicks(long ticks) => ticks is >= 0 and <= 3155378975999999999; // DateTime.MaxValue.Ticks

    private static void WriteHeader(Span<byte> destination, EntryExpiration expiration)
    {
        destination[0] = Version;
        BinaryPrimitives.WriteInt64LittleEndian(destination[1..], expiration.ExpiresAt.Ticks);
        BinaryPrimitives.WriteInt64LittleEndian(destination[9..], expiration.SlidingWindowMicroseconds ?? -1);
        BinaryPrimitives.WriteInt64LittleEndian(destination[17..], expiration.AbsoluteDeadline?.Ticks ?? -1);
    }
}
