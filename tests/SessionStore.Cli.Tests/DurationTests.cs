using SessionStore.Cli.Settings;

namespace SessionStore.Cli.Tests;

public sealed class DurationTests
{
    [Theory]
    [InlineData("20m", 1200)]
    [InlineData("90s", 90)]
    [InlineData("1.5h", 5400)]
    [InlineData("1d", 86400)]
    [InlineData("00:20:00", 1200)]
    [InlineData("1.00:00:00", 86400)]
    public void TryParse_ReadsUnitsAndTimeSpans(string text, int seconds)
    {
        Assert.True(Duration.TryParse(text, out var duration));
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
    }

    [Theory]
    [InlineData("")]
    [InlineData("20x")]
    [InlineData("m")]
    [InlineData("twenty minutes")]
    public void TryParse_RefusesAnythingElse(string text) => Assert.False(Duration.TryParse(text, out _));
}
