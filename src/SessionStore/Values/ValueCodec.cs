using System.Buffers;
using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using SessionStore.Operations;
using SessionStore.Sql;

namespace SessionStore.Values;

/// <summary>
/// How a value becomes the data column and back: raw bytes for binary columns, Base64 for the ancestor's text columns, and
/// Data Protection when <see cref="DbiSessionCacheOptions.ProtectValues"/> is on.
/// </summary>
internal sealed class ValueCodec(IDataProtector? protector)
{
    /// <summary>The Data Protection purpose of stored values (with the table name as a sub-purpose); never change it.</summary>
    public const string ProtectorPurpose = "SessionStore.DbiSessionCache.Values.v1";

    /// <summary>Whether values are protected: the row's bytes are then not the caller's, and are decoded here, not in place.</summary>
    public bool Protects => protector is not null;

    /// <summary>The value as it is stored (protected, when protection is on), before the size check.</summary>
    public ReadOnlySequence<byte> Protect(ReadOnlySequence<byte> value) =>
        protector is null ? value : new ReadOnlySequence<byte>(protector.Protect(value.ToArray()));

    /// <summary>Turns a protected entry back into the caller's value, written to <paramref name="destination"/> if given.</summary>
    public StoredEntry Unprotect(StoredEntry entry, IBufferWriter<byte>? destination)
    {
        if (protector is null || !entry.Found)
        {
            return entry;
        }

        byte[] plain;
        try
        {
            plain = protector.Unprotect(entry.Value!);
        }
        catch (CryptographicException)
        {
            // Written without protection, or with another key ring: as unreadable as any other foreign data.
            return entry with { Found = false, Value = null, Unreadable = true };
        }

        if (destination is null)
        {
            return entry with { Value = plain };
        }

        destination.Write(plain);
        return entry with { Value = null };
    }

    /// <summary>Decodes a text column's Base64; anything else is another application's data, so unreadable.</summary>
    public static StoredEntry DecodeBase64(string text, IBufferWriter<byte>? destination)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(Base64.GetMaxDecodedFromUtf8Length(text.Length));
        if (!Convert.TryFromBase64String(text, buffer, out var length))
        {
            return StoredEntry.UnreadableRow;
        }

        if (destination is null)
        {
            return new StoredEntry(true, length == buffer.Length ? buffer : buffer[..length]);
        }

        destination.Write(buffer.AsSpan(0, length));
        return new StoredEntry(true, null);
    }

    /// <summary>
    /// The data parameter for a contiguous value: a string for a Base64 column; for a binary one the whole array as
    /// <c>byte[]</c>, or a slice as <see cref="ReadOnlyMemory{T}"/>, which MySqlConnector writes without a copy.
    /// </summary>
    public static object ToParameter(ReadOnlyMemory<byte> value, DataEncoding encoding) =>
        encoding == DataEncoding.Base64Text
            ? Convert.ToBase64String(value.Span)
            : MemoryMarshal.TryGetArray(value, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
                ? segment.Array
                : value;

    /// <summary>
    /// Counts the bytes that may take an escape character when MySqlConnector writes the value into the statement text. This
    /// is a superset of what it escapes, so the packet check errs on the safe side.
    /// </summary>
    public static long CountEscapedBytes(ReadOnlySequence<byte> value)
    {
        long count = 0;
        foreach (var memory in value)
        {
            var span = memory.Span;
            count += span.Count((byte)0x00) + span.Count((byte)0x27) + span.Count((byte)0x5C) + span.Count((byte)0x22)
                + span.Count((byte)0x0A) + span.Count((byte)0x0D) + span.Count((byte)0x1A);
        }

        return count;
    }
}
