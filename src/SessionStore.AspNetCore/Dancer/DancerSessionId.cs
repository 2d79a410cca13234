using System.Security.Cryptography;

namespace SessionStore.AspNetCore.Dancer;

/// <summary>What a Dancer 1 session id may look like, and how a strong one is made.</summary>
internal static class DancerSessionId
{
    /// <summary>Random bytes in a new id: 192 bits, 32 characters of base64url.</summary>
    private const int StrongIdBytes = 24;

    /// <summary>
    /// Whether Dancer 1 accepts <paramref name="id"/> from a cookie (<c>Dancer::Session::Abstract::validate_session_id</c>:
    /// <c>^[A-Za-z0-9_\-~]+$</c>) and it fits the id column.
    /// </summary>
    public static bool IsAcceptable(string? id, int idCapacity) =>
        !string.IsNullOrEmpty(id) && id.Length <= idCapacity && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '~');

    /// <summary>
    /// Whether <paramref name="id"/> is one Dancer 1 built: three numbers from Perl's <c>rand</c>, the clock, the process id
    /// and the install path, concatenated (<c>build_id</c>): digits only, and guessable by whoever knows roughly when and where.
    /// </summary>
    public static bool IsWeak(string id) => id.All(char.IsAsciiDigit);

    /// <summary>A new id from the operating system's random generator: 32 characters of [A-Za-z0-9_-], which Dancer 1 accepts.</summary>
    public static string NewStrongId()
    {
        Span<byte> bytes = stackalloc byte[StrongIdBytes];
        RandomNumberGenerator.Fill(bytes);
        return Convert.ToBase64String(bytes).Replace('+', '-').Replace('/', '_');
    }
}
