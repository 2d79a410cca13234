using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using SessionStore.AspNetCore.Internal;

namespace SessionStore.AspNetCore;

/// <summary>
/// An <see cref="ISessionValueSerializer"/> that stores values as UTF-8 JSON with System.Text.Json. Types are resolved
/// through the <see cref="JsonSerializerOptions.TypeInfoResolver"/> of the options it is given, so one built from a
/// source-generated context (<c>new JsonSessionValueSerializer(MyJsonContext.Default.Options)</c>) is trimming- and
/// AOT-safe.
/// </summary>
public sealed class JsonSessionValueSerializer : ISessionValueSerializer
{
    // Created on first use: JsonSerializerOptions.Default itself requires unreferenced code, so no static initializer may touch it.
    private static JsonSessionValueSerializer? s_default;

    private readonly JsonSerializerOptions _options;

    /// <summary>Creates a serializer that uses <paramref name="options"/>.</summary>
    /// <param name="options">
    /// The options. Their <see cref="JsonSerializerOptions.TypeInfoResolver"/> must be set: to a source-generated
    /// <c>JsonSerializerContext</c>, or, for reflection, to a <see cref="DefaultJsonTypeInfoResolver"/>.
    /// </param>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is <see langword="null"/>.</exception>
    /// <exception cref="ArgumentException">The <see cref="JsonSerializerOptions.TypeInfoResolver"/> of <paramref name="options"/> is <see langword="null"/>.</exception>
    public JsonSessionValueSerializer(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.TypeInfoResolver is null)
        {
            // Filling it in ourselves would need reflection behind the caller's back; asking keeps the trimming warning
            // at the line that chose reflection.
            throw new ArgumentException(
                $"{nameof(JsonSerializerOptions)}.{nameof(JsonSerializerOptions.TypeInfoResolver)} is null. Set it to a " +
                $"source-generated JsonSerializerContext (trimming- and AOT-safe) or to new {nameof(DefaultJsonTypeInfoResolver)}() (reflection).",
                nameof(options));
        }

        _options = options;
    }

    /// <summary>
    /// The shared instance that uses <see cref="JsonSerializerOptions.Default"/> (reflection-based; property names as
    /// declared, case-sensitive).
    /// </summary>
    public static JsonSessionValueSerializer Default
    {
        [RequiresUnreferencedCode(JsonReflectionWarnings.UnreferencedCode)]
        [RequiresDynamicCode(JsonReflectionWarnings.DynamicCode)]
        get => s_default ??= new(JsonSerializerOptions.Default);
    }

    /// <inheritdoc />
    public byte[] Serialize<T>(T value) => JsonSerializer.SerializeToUtf8Bytes(value, GetTypeInfo<T>());

    /// <inheritdoc />
    public T? Deserialize<T>(ReadOnlySpan<byte> data) => JsonSerializer.Deserialize(data, GetTypeInfo<T>());

    // The options cache the contract once they are read-only (GetTypeInfo makes them so).
    private JsonTypeInfo<T> GetTypeInfo<T>() => (JsonTypeInfo<T>)_options.GetTypeInfo(typeof(T));
}
