namespace SessionStore.AspNetCore.Internal;

// The texts of [RequiresUnreferencedCode]/[RequiresDynamicCode] on the members that use reflection-based System.Text.Json.
internal static class JsonReflectionWarnings
{
    public const string UnreferencedCode =
        "JSON serialization and deserialization of arbitrary types might require types that cannot be statically analyzed. " +
        "Use the overload that takes a JsonTypeInfo<T>, or a JsonSessionValueSerializer built from a source-generated JsonSerializerContext.";

    public const string DynamicCode =
        "JSON serialization and deserialization of arbitrary types might require runtime code generation. " +
        "Use the overload that takes a JsonTypeInfo<T>, or a JsonSessionValueSerializer built from a source-generated JsonSerializerContext.";
}
