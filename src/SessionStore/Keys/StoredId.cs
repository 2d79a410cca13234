using System.Buffers;
using System.Security.Cryptography;
using System.Text;

namespace SessionStore.Keys;

/// <summary>Maps a cache key to the value stored in the table's id column.</summary>
internal static class StoredId
{
    /// <summary>Length of a digest id: 160 bits as lowercase hexadecimal, which fits the seed schema's <c>CHAR(40)</c>.</summary>
    public const int DigestLength = 40;

    private const int DigestBytes = DigestLength / 2;

    // Refuses lone surrogates instead of replacing them with U+FFFD, which would map two different keys to one id.
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Returns the id for <paramref name="key"/>. Throws <see cref="ArgumentException"/> (parameter name <c>key</c>) for a key
    /// that is not well-formed UTF-16, or, in <see cref="DbiSessionKeyStorage.Verbatim"/> mode, one the id column cannot hold
    /// exactly. Messages never contain the key: session ids are secrets.
    /// </summary>
    public static string FromKey(string key, DbiSessionKeyStorage storage, int idColumnLength)
    {
        var invalidAt = IndexOfInvalidUtf16(key);
        if (invalidAt >= 0)
        {
            throw new ArgumentException(
                $"The key is not well-formed UTF-16: it has an unpaired surrogate at index {invalidAt}, so it has no UTF-8 form to store.",
                nameof(key));
        }

        return storage == DbiSessionKeyStorage.Verbatim ? Verbatim(key, idColumnLength) : Digest(key);
    }

    internal static string Digest(string key)
    {
        var byteCount = s_strictUtf8.GetByteCount(key);
        byte[]? rented = null;
        var utf8 = byteCount <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(byteCount));
        try
        {
            var written = s_strictUtf8.GetBytes(key, utf8);
            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(utf8[..written], hash);
            return Convert.ToHexStringLower(hash[..DigestBytes]);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    private static string Verbatim(string key, int idColumnLength)
    {
        if (key.Length == 0)
        {
            throw new ArgumentException("The key is empty; an empty key cannot be stored with KeyStorage = Verbatim. Use KeyStorage = Digest.", nameof(key));
        }

        // CHAR columns pad with spaces and their collations compare 'a' and 'a ' as equal (PAD SPACE), so such a key would
        // silently share a row with another one.
        if (key[^1] == ' ')
        {
            throw new ArgumentException(
                "The key ends with a space, which a CHAR id column does not keep; use KeyStorage = Digest for such keys.", nameof(key));
        }

        // CHAR(n) counts characters (code points), not UTF-16 units.
        var characters = 0;
        foreach (var _ in key.EnumerateRunes())
        {
            characters++;
        }

        if (characters > idColumnLength)
        {
            throw new ArgumentException(
                $"The key is {characters} characters long, and the id column holds at most {idColumnLength} with KeyStorage = Verbatim; " +
                "keys are never truncated. Use KeyStorage = Digest, which stores a fixed-length digest of any key.",
                nameof(key));
        }

        return key;
    }

    private static int IndexOfInvalidUtf16(string key)
    {
        for (var i = 0; i < key.Length; i++)
        {
            var c = key[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 < key.Length && char.IsLowSurrogate(key[i + 1]))
                {
                    i++;
                    continue;
                }

                return i;
            }

            if (char.IsLowSurrogate(c))
            {
                return i;
            }
        }

        return -1;
    }
}
