using System.Security.Cryptography;
using System.Text;

namespace SessionStore.Benchmarks;

/// <summary>
/// The id <c>KeyStorage = Digest</c> stores a key under, as the README documents it: the first 160 bits of SHA-256 of
/// the key's UTF-8, in hexadecimal. The benchmark seeds rows under these ids and checks, before measuring, that the
/// cache finds them; if the format ever changes, the run stops there instead of measuring misses.
/// </summary>
internal static class KeyDigest
{
    public static string Of(string key)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(key), hash);
        return Convert.ToHexStringLower(hash[..20]);
    }
}
