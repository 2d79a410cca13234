namespace SessionStore.DataProtection.Sql;

/// <summary>The columns of the key table (schema 002).</summary>
internal static class KeyColumns
{
    /// <summary>AUTO_INCREMENT; the order in which elements were stored, which is the order they are read back in.</summary>
    public const string Id = "id";

    /// <summary>The name the key manager gives an element (<c>key-{guid}</c>, <c>revocation-…</c>); unique, case-sensitive.</summary>
    public const string FriendlyName = "friendly_name";

    /// <summary>The element as XML text.</summary>
    public const string Xml = "xml";

    /// <summary>UTC instant the element was first stored, from the app's <see cref="TimeProvider"/>.</summary>
    public const string CreatedAt = "created_at";

    /// <summary>The longest friendly name the column holds, in characters.</summary>
    public const int FriendlyNameCapacity = 255;

    public static IReadOnlyList<string> All { get; } = [Id, FriendlyName, Xml, CreatedAt];
}
