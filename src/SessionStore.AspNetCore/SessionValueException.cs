namespace SessionStore.AspNetCore;

/// <summary>
/// A session value exists but cannot be read as the requested type: it was written by another version of the app, with
/// another serializer, or not by this library. Thrown by the <c>Get</c> and <c>GetJson</c> methods of
/// <see cref="Microsoft.AspNetCore.Http.SessionValueExtensions"/>; the serializer's exception is the
/// <see cref="Exception.InnerException"/>. The message names the key and the type, never the stored value.
/// </summary>
/// <remarks>The value is left in the session; remove or overwrite it to recover.</remarks>
public sealed class SessionValueException : Exception
{
    internal SessionValueException(string key, Type targetType, Exception innerException)
        : base($"The session value '{key}' could not be deserialized as {targetType}. It is left in the session; remove or overwrite it. The inner exception has the serializer's reason.", innerException)
    {
        Key = key;
        TargetType = targetType;
    }

    /// <summary>The session key of the unreadable value.</summary>
    public string Key { get; }

    /// <summary>The type the value was to be read as.</summary>
    public Type TargetType { get; }
}
