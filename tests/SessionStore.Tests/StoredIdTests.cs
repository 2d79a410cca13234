using SessionStore.Keys;

namespace SessionStore.Tests;

public sealed class StoredIdTests
{
    [Theory]
    [InlineData("")]
    [InlineData("a")]
    [InlineData("Ünïcödé ключ 鍵 🔑")]
    public void FromKey_Digest_IsFortyLowercaseHexDigits(string key)
    {
        var id = StoredId.FromKey(key, DbiSessionKeyStorage.Digest, 40);

        Assert.Equal(40, id.Length);
        Assert.All(id, c => Assert.True(char.IsAsciiHexDigitLower(c) || char.IsAsciiDigit(c)));
    }

    [Fact]
    public void FromKey_Digest_IsStableAndDoesNotContainTheKey()
    {
        var key = Guid.NewGuid().ToString();

        var first = StoredId.FromKey(key, DbiSessionKeyStorage.Digest, 40);
        var second = StoredId.FromKey(key, DbiSessionKeyStorage.Digest, 40);

        Assert.Equal(first, second);
        Assert.DoesNotContain(key.Replace("-", "", StringComparison.Ordinal)[..8], first, StringComparison.Ordinal);
    }

    [Fact]
    public void FromKey_Digest_KeysDifferingInCaseGetDifferentIds()
    {
        Assert.NotEqual(
            StoredId.FromKey("Session", DbiSessionKeyStorage.Digest, 40),
            StoredId.FromKey("session", DbiSessionKeyStorage.Digest, 40));
    }

    [Fact]
    public void FromKey_Digest_LongKeysWithACommonPrefixGetDifferentIds()
    {
        var prefix = new string('k', 5000);

        Assert.NotEqual(
            StoredId.FromKey(prefix + "1", DbiSessionKeyStorage.Digest, 40),
            StoredId.FromKey(prefix + "2", DbiSessionKeyStorage.Digest, 40));
    }

    [Fact]
    public void FromKey_Digest_IsTheFirst160BitsOfSha256OfUtf8()
    {
        // SHA-256("abc") = ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad (FIPS 180-2 example).
        Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a3", StoredId.FromKey("abc", DbiSessionKeyStorage.Digest, 40));
    }

    [Theory]
    [InlineData(DbiSessionKeyStorage.Digest)]
    [InlineData(DbiSessionKeyStorage.Verbatim)]
    public void FromKey_LoneSurrogate_ThrowsArgumentExceptionWithIndex(DbiSessionKeyStorage storage)
    {
        var exception = Assert.Throws<ArgumentException>(() => StoredId.FromKey("ab\uD800c", storage, 40));

        Assert.Equal("key", exception.ParamName);
        Assert.Contains("unpaired surrogate at index 2", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromKey_Verbatim_ReturnsTheKeyWhenItFits()
    {
        var key = new string('x', 39) + "🔑"; // 40 characters, 41 UTF-16 units

        Assert.Equal(key, StoredId.FromKey(key, DbiSessionKeyStorage.Verbatim, 40));
    }

    [Fact]
    public void FromKey_Verbatim_TooLong_ThrowsNamingTheLimitNotTheKey()
    {
        var key = "secret-" + new string('x', 40);

        var exception = Assert.Throws<ArgumentException>(() => StoredId.FromKey(key, DbiSessionKeyStorage.Verbatim, 40));

        Assert.Contains("47 characters long", exception.Message, StringComparison.Ordinal);
        Assert.Contains("at most 40", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-", exception.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("ends with space ")]
    public void FromKey_Verbatim_KeysACharColumnCannotKeep_AreRejected(string key)
    {
        var exception = Assert.Throws<ArgumentException>(() => StoredId.FromKey(key, DbiSessionKeyStorage.Verbatim, 40));

        Assert.Contains("KeyStorage = Digest", exception.Message, StringComparison.Ordinal);
    }
}
