namespace SessionStore;

/// <summary>How a cache key is stored in the table's id column.</summary>
public enum DbiSessionKeyStorage
{
    /// <summary>
    /// The default. The stored id is a 40-character hexadecimal digest (SHA-256, first 160 bits) of the key's UTF-8 bytes:
    /// keys of any length and character set fit the <c>CHAR(40)</c> id column, and a leaked table does not reveal live session ids.
    /// </summary>
    Digest = 0,

    /// <summary>
    /// The key is stored as it is. A key longer than the id column, or one the column cannot hold exactly, is rejected
    /// with an <see cref="ArgumentException"/>; it is never truncated.
    /// </summary>
    Verbatim = 1,
}
