namespace SessionStore.Cli.Tests;

public sealed class HelpTests
{
    [Theory]
    [InlineData("")]
    [InlineData("schema")]
    [InlineData("schema script")]
    [InlineData("schema create")]
    [InlineData("schema upgrade")]
    [InlineData("schema verify")]
    [InlineData("stats")]
    [InlineData("purge")]
    public async Task Help_OnEveryVerb_PrintsUsageAndTheExitCodes(string verb)
    {
        var words = verb.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        var result = (await CliTool.RunAsync([.. words, "--help"])).ShouldExitWith(0);

        Assert.Contains("Usage:", result.Output, StringComparison.Ordinal);
        Assert.Contains(string.Join(' ', ["sessionstore", .. words]) + " [", result.Output, StringComparison.Ordinal);
        Assert.Contains("Exit codes: 0 success; 1 the table is missing, has defects or cannot be upgraded; 2 usage", result.Output, StringComparison.Ordinal);
        Assert.Empty(result.Error);
    }

    [Fact]
    public async Task Help_OfAVerbThatConnects_ListsTheConnectionOptions()
    {
        var result = (await CliTool.RunAsync("purge", "--help")).ShouldExitWith(0);

        foreach (var option in new[] { "--settings", "--section", "--dsn", "--user", "--password", "--table", "--batch-size", "--pause-ms" })
        {
            Assert.Contains(option, result.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task UnknownOption_ExitsWith2_AndPointsToTheVerbsHelp()
    {
        var result = (await CliTool.RunAsync("stats", "--no-such-option")).ShouldExitWith(2);

        Assert.Contains("--no-such-option", result.Error, StringComparison.Ordinal);
        Assert.Contains("Run 'sessionstore stats --help'", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoVerb_ExitsWith2()
    {
        var result = (await CliTool.RunAsync()).ShouldExitWith(2);

        Assert.Contains("Run 'sessionstore --help'", result.Error, StringComparison.Ordinal);
    }
}
