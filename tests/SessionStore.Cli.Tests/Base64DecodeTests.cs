using System.Security.Cryptography;
using System.Text;
using SessionStore.Cli.Schema;

namespace SessionStore.Cli.Tests;

/// <summary>How upgrade decides, row by row, what a text data column's value was.</summary>
public sealed class Base64DecodeTests
{
    [Fact]
    public void Decode_TheBase64TheCacheWrites_GivesBackTheValue()
    {
        for (var length = 0; length < 50; length++)
        {
            var value = RandomNumberGenerator.GetBytes(length);

            var decoded = Base64DecodeStep.Decode(Encoding.ASCII.GetBytes(Convert.ToBase64String(value)), out var wasBase64);

            Assert.True(wasBase64);
            Assert.Equal(value, decoded);
        }
    }

    [Theory]
    [InlineData("""{"user":"alice"}""")]
    [InlineData("---\nuser: alice\n")]
    [InlineData("Zoë")]
    [InlineData("AAE")]
    public void Decode_TextThatIsNotBase64_KeepsItsBytes(string text)
    {
        var stored = Encoding.UTF8.GetBytes(text);

        var decoded = Base64DecodeStep.Decode(stored, out var wasBase64);

        Assert.False(wasBase64);
        Assert.Equal(stored, decoded);
    }

    [Fact]
    public void Decode_Null_IsAnEmptyValue()
    {
        Assert.Empty(Base64DecodeStep.Decode(null, out var wasBase64));
        Assert.False(wasBase64);
    }
}
