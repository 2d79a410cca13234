using Microsoft.Extensions.Logging;
using SessionStore.AspNetCore;

namespace Microsoft.AspNetCore.Http;

/// <summary>
/// Typed values in an <see cref="ISession"/>: <c>SetJson</c>/<c>GetJson</c>/<c>TryGetJson</c> with System.Text.Json, and
/// <c>Set</c>/<c>Get</c>/<c>TryGet</c> with any <see cref="ISessionValueSerializer"/>.
/// </summary>
/// <remarks>
/// A stored value that cannot be deserialized is reported, and the caller chooses how: <c>Get</c> and <c>GetJson</c>
/// throw a <see cref="SessionValueException"/>; <c>TryGet</c> and <c>TryGetJson</c> return <see langword="false"/>, as
/// for a missing key, and log a warning when given a logger. A missing key is not an error: <c>Get</c> and
/// <c>GetJson</c> return <see langword="default"/>.
/// </remarks>
public static partial class SessionValueExtensions
{
    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/>, serialized by <paramref name="serializer"/>.</summary>
    /// <typeparam name="T">The declared type of the value.</typeparam>
    /// <param name="session">The session.</param>
    /// <param name="key">The session key.</param>
    /// <param name="value">The value; may be <see langword="null"/> if the serializer supports it.</param>
    /// <param name="serializer">The serializer, for instance <see cref="JsonSessionValueSerializer"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="session"/>, <paramref name="key"/> or <paramref name="serializer"/> is <see langword="null"/>.</exception>
    /// <exception cref="InvalidOperationException"><paramref name="serializer"/> returned <see langword="null"/>.</exception>
    public static void Set<T>(this ISession session, string key, T value, ISessionValueSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(serializer);

        var data = serializer.Serialize(value)
            ?? throw new InvalidOperationException($"{serializer.GetType()}.{nameof(ISessionValueSerializer.Serialize)} returned null for session key '{key}'.");
        session.Set(key, data);
    }

    /// <summary>Reads the value under <paramref name="key"/> with <paramref name="serializer"/>.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="session">The session.</param>
    /// <param name="key">The session key.</param>
    /// <param name="serializer">The serializer the value was stored with.</param>
    /// <returns>The value, or <see langword="default"/> when <paramref name="key"/> is not in the session.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/>, <paramref name="key"/> or <paramref name="serializer"/> is <see langword="null"/>.</exception>
    /// <exception cref="SessionValueException">The stored value cannot be deserialized as <typeparamref name="T"/>.</exception>
    public static T? Get<T>(this ISession session, string key, ISessionValueSerializer serializer)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(serializer);

        if (!session.TryGetValue(key, out var data))
        {
            return default;
        }

        try
        {
            return serializer.Deserialize<T>(data);
        }
        catch (Exception exception)
        {
            // A custom serializer may throw anything for bad data; whatever it is, the caller learns which key and type.
            throw new SessionValueException(key, typeof(T), exception);
        }
    }

    /// <summary>Tries to read the value under <paramref name="key"/> with <paramref name="serializer"/>.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="session">The session.</param>
    /// <param name="key">The session key.</param>
    /// <param name="serializer">The serializer the value was stored with.</param>
    /// <param name="value">The value when the method returns <see langword="true"/>; otherwise <see langword="default"/>.</param>
    /// <param name="logger">Where to log a warning when the value cannot be deserialized. Default: <see langword="null"/> (no log).</param>
    /// <returns>
    /// <see langword="true"/> if the value was read; <see langword="false"/> if <paramref name="key"/> is not in the session
    /// or its value cannot be deserialized as <typeparamref name="T"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/>, <paramref name="key"/> or <paramref name="serializer"/> is <see langword="null"/>.</exception>
    public static bool TryGet<T>(this ISession session, string key, ISessionValueSerializer serializer, out T? value, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(serializer);

        value = default;
        if (!session.TryGetValue(key, out var data))
        {
            return false;
        }

        try
        {
            value = serializer.Deserialize<T>(data);
            return true;
        }
        catch (Exception exception)
        {
            // Same breadth as Get: the caller asked for "missing or unreadable" and gets it, with the reason in the log.
            if (logger is not null)
            {
                LogUnreadableValue(logger, exception, key, typeof(T));
            }

            return false;
        }
    }
}
