namespace SessionStore.AspNetCore;

/// <summary>
/// Turns session values into bytes and back, for the <c>Set</c>, <c>Get</c> and <c>TryGet</c> overloads of
/// <see cref="Microsoft.AspNetCore.Http.SessionValueExtensions"/> that take a serializer (JSON, MessagePack, a custom
/// format ...). <see cref="JsonSessionValueSerializer"/> is the one that ships.
/// </summary>
/// <remarks>
/// Implementations must be thread-safe: one instance is typically shared by every request.
/// </remarks>
public interface ISessionValueSerializer
{
    /// <summary>Serializes <paramref name="value"/>; the session stores the returned array as it is.</summary>
    /// <typeparam name="T">The declared type of the value.</typeparam>
    /// <param name="value">The value to store; may be <see langword="null"/>.</param>
    /// <returns>The bytes to store; never <see langword="null"/>.</returns>
    byte[] Serialize<T>(T value);

    /// <summary>Deserializes a value that <see cref="Serialize{T}(T)"/> produced.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="data">The stored bytes. They belong to the session: do not keep a reference to them.</param>
    /// <returns>The value.</returns>
    /// <remarks>
    /// Throw when <paramref name="data"/> is not a <typeparamref name="T"/>; the callers turn any exception into
    /// "unreadable value". The exception may reach logs, so its message should not quote <paramref name="data"/>.
    /// </remarks>
    T? Deserialize<T>(ReadOnlySpan<byte> data);
}
