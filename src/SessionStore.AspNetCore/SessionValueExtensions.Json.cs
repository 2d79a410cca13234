using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using SessionStore.AspNetCore;
using SessionStore.AspNetCore.Internal;

namespace Microsoft.AspNetCore.Http;

// The JSON overloads: reflection-based ones with JsonSerializerOptions (annotated like System.Text.Json's own, so that a
// trimmed app is warned), and JsonTypeInfo<T> ones for source-generated contracts.
// RS0026/RS0027 (one overload with optional parameters, and it the longest) are suppressed on purpose: the set mirrors
// JsonSerializer.Serialize<T>(T, JsonSerializerOptions? = null) / Serialize<T>(T, JsonTypeInfo<T>), which users know, and
// the overloads differ in a parameter's type, so no call is ambiguous. A future parameter gets a new overload.
public static partial class SessionValueExtensions
{
    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/> as UTF-8 JSON.</summary>
    /// <typeparam name="T">The declared type of the value.</typeparam>
    /// <param name="session">The session.</param>
    /// <param name="key">The session key.</param>
    /// <param name="value">The value; <see langword="null"/> is stored as JSON <c>null</c>.</param>
    /// <param name="options">The serializer options. Default: <see langword="null"/>, which means <see cref="JsonSerializerOptions.Default"/>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> or <paramref name="key"/> is <see langword="null"/>.</exception>
    [RequiresUnreferencedCode(JsonReflectionWarnings.UnreferencedCode)]
    [RequiresDynamicCode(JsonReflectionWarnings.DynamicCode)]
    [SuppressMessage("ApiDesign", "RS0027", Justification = "Mirrors System.Text.Json's JsonSerializer overloads; see the comment on the class.")]
    public static void SetJson<T>(this ISession session, string key, T value, JsonSerializerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(key);

        session.SetJson(key, value, GetReflectionTypeInfo<T>(options));
    }

    /// <summary>Stores <paramref name="value"/> under <paramref name="key"/> as UTF-8 JSON, with a source-generated contract.</summary>
    /// <typeparam name="T">The declared type of the value.</typeparam>
    /// <param name="session">The session.</param>
    /// <param name="key">The session key.</param>
    /// <param name="value">The value; <see langword="null"/> is stored as JSON <c>null</c>.</param>
    /// <param name="jsonTypeInfo">The contract of <typeparamref name="T"/>, for instance <c>MyJsonContext.Default.Cart</c>.</param>
    /// <exception cref="ArgumentNullException"><paramref name="session"/>, <paramref name="key"/> or <paramref name="jsonTypeInfo"/> is <see langword="null"/>.</exception>
    public static void SetJson<T>(this ISession session, string key, T value, JsonTypeInfo<T> jsonTypeInfo)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(jsonTypeInfo);

        session.Set(key, JsonSerializer.SerializeToUtf8Bytes(value, jsonTypeInfo));
    }

    /// <summary>Reads the JSON value under <paramref name="key"/>.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="session">The session.</param>
    /// <param name="key">The session key.</param>
    /// <param name="options">The serializer options. Default: <see langword="null"/>, which means <see cref="JsonSerializerOptions.Default"/>.</param>
    /// <returns>The value, or <see langword="default"/> when <paramref name="key"/> is not in the session.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> or <paramref name="key"/> is <see langword="null"/>.</exception>
    /// <exception cref="SessionValueException">The stored value is not JSON of a <typeparamref name="T"/>.</exception>
    [RequiresUnreferencedCode(JsonReflectionWarnings.UnreferencedCode)]
    [RequiresDynamicCode(JsonReflectionWarnings.DynamicCode)]
    [SuppressMessage("ApiDesign", "RS0027", Justification = "Mirrors System.Text.Json's JsonSerializer overloads; see the comment on the class.")]
    public static T? GetJson<T>(this ISession session, string key, JsonSerializerOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(key);

        return session.GetJson(key, GetReflectionTypeInfo<T>(options));
    }

    /// <summary>Reads the JSON value under <paramref name="key"/>, with a source-generated contract.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="session">The session.</param>
    /// <param name="key">The session key.</param>
    /// <param name="jsonTypeInfo">The contract of <typeparamref name="T"/>, for instance <c>MyJsonContext.Default.Cart</c>.</param>
    /// <returns>The value, or <see langword="default"/> when <paramref name="key"/> is not in the session.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/>, <paramref name="key"/> or <paramref name="jsonTypeInfo"/> is <see langword="null"/>.</exception>
    /// <exception cref="SessionValueException">The stored value is not JSON of a <typeparamref name="T"/>.</exception>
    public static T? GetJson<T>(this ISession session, string key, JsonTypeInfo<T> jsonTypeInfo)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(jsonTypeInfo);

        if (!session.TryGetValue(key, out var data))
        {
            return default;
        }

        try
        {
            return JsonSerializer.Deserialize(data, jsonTypeInfo);
        }
        catch (Exception exception)
        {
            // Mostly JsonException, but a custom JsonConverter may throw anything for bad data.
            throw new SessionValueException(key, typeof(T), exception);
        }
    }

    /// <summary>Tries to read the JSON value under <paramref name="key"/>.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="session">The session.</param>
    /// <param name="key">The session key.</param>
    /// <param name="value">The value when the method returns <see langword="true"/>; otherwise <see langword="default"/>.</param>
    /// <param name="options">The serializer options. Default: <see langword="null"/>, which means <see cref="JsonSerializerOptions.Default"/>.</param>
    /// <param name="logger">Where to log a warning when the value cannot be deserialized. Default: <see langword="null"/> (no log).</param>
    /// <returns>
    /// <see langword="true"/> if the value was read; <see langword="false"/> if <paramref name="key"/> is not in the session
    /// or its value is not JSON of a <typeparamref name="T"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/> or <paramref name="key"/> is <see langword="null"/>.</exception>
    [RequiresUnreferencedCode(JsonReflectionWarnings.UnreferencedCode)]
    [RequiresDynamicCode(JsonReflectionWarnings.DynamicCode)]
    [SuppressMessage("ApiDesign", "RS0026", Justification = "Mirrors System.Text.Json's JsonSerializer overloads; see the comment on the class.")]
    public static bool TryGetJson<T>(this ISession session, string key, out T? value, JsonSerializerOptions? options = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(key);

        return session.TryGetJson(key, GetReflectionTypeInfo<T>(options), out value, logger);
    }

    /// <summary>Tries to read the JSON value under <paramref name="key"/>, with a source-generated contract.</summary>
    /// <typeparam name="T">The type to read.</typeparam>
    /// <param name="session">The session.</param>
    /// <param name="key">The session key.</param>
    /// <param name="jsonTypeInfo">The contract of <typeparamref name="T"/>, for instance <c>MyJsonContext.Default.Cart</c>.</param>
    /// <param name="value">The value when the method returns <see langword="true"/>; otherwise <see langword="default"/>.</param>
    /// <param name="logger">Where to log a warning when the value cannot be deserialized. Default: <see langword="null"/> (no log).</param>
    /// <returns>
    /// <see langword="true"/> if the value was read; <see langword="false"/> if <paramref name="key"/> is not in the session
    /// or its value is not JSON of a <typeparamref name="T"/>.
    /// </returns>
    /// <exception cref="ArgumentNullException"><paramref name="session"/>, <paramref name="key"/> or <paramref name="jsonTypeInfo"/> is <see langword="null"/>.</exception>
    [SuppressMessage("ApiDesign", "RS0026", Justification = "Mirrors System.Text.Json's JsonSerializer overloads; see the comment on the class.")]
    public static bool TryGetJson<T>(this ISession session, string key, JsonTypeInfo<T> jsonTypeInfo, out T? value, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(jsonTypeInfo);

        value = default;
        if (!session.TryGetValue(key, out var data))
        {
            return false;
        }

        try
        {
            value = JsonSerializer.Deserialize(data, jsonTypeInfo);
            return true;
        }
        catch (Exception exception)
        {
            if (logger is not null)
            {
                LogUnreadableValue(logger, exception, key, typeof(T));
            }

            return false;
        }
    }

    // What JsonSerializer.Serialize<T>(value, options) does inside: lock the options, filling in the reflection resolver if
    // none is set. Resolving the contract here, outside the try blocks, lets a type that System.Text.Json cannot handle at
    // all (a programming error) surface as itself instead of as an unreadable value.
    [RequiresUnreferencedCode(JsonReflectionWarnings.UnreferencedCode)]
    [RequiresDynamicCode(JsonReflectionWarnings.DynamicCode)]
    private static JsonTypeInfo<T> GetReflectionTypeInfo<T>(JsonSerializerOptions? options)
    {
        options ??= JsonSerializerOptions.Default;
        options.MakeReadOnly(populateMissingResolver: true);
        return (JsonTypeInfo<T>)options.GetTypeInfo(typeof(T));
    }
}
