using System.Diagnostics;
using System.Text.Json.Nodes;

namespace SessionStore.DancerTests;

/// <summary>
/// A Dancer 1 app and an ASP.NET Core app on one sessions table, one browser going back and forth between them (issue 14):
/// a session made by either app is the other's too, for reading, writing and destroying; an id Dancer built can be moved
/// to a strong one; concurrent writes end as documented; the Perl app's sessions outlive it. Each shape of the table
/// runs these through its own subclass.
/// </summary>
public abstract class SharedSessionTests : IDisposable
{
    private readonly SharedTableFixture _fixture;
    private readonly DirectoryInfo _gates = Directory.CreateTempSubdirectory("dancer-gates-");
    private readonly Browser _browser = new();

    private protected SharedSessionTests(SharedTableFixture fixture) => _fixture = fixture;

    public void Dispose()
    {
        _browser.Dispose();
        _gates.Delete(recursive: true);
        GC.SuppressFinalize(this);
    }

    [Fact]
    public async Task SignedInOnPerl_DotNetSeesTheUserAndTheCart()
    {
        await PerlAsync("signin?user=alice");
        await PerlAsync("cart/add?item=apple");
        var perl = await PerlAsync("cart/add?item=pear");

        var dotNet = await DotNetAsync("whoami");

        Assert.Equal("alice", (string?)dotNet["user"]);
        Assert.Equal(["apple", "pear"], Items(dotNet["cart"]));
        Assert.Equal((string?)perl["id"], (string?)dotNet["id"]);
        Assert.True((bool?)dotNet["weak"], "Dancer 1 builds ids of digits only");
    }

    [Fact]
    public async Task DotNetAddsToTheCart_PerlSeesIt_WithItsOtherKeysIntact()
    {
        await PerlAsync("signin?user=bob");
        await PerlAsync("set?key=theme&value=dark");
        await PerlAsync("cart/add?item=apple");

        var dotNet = await DotNetAsync("cart/add?item=pear");
        var perl = await PerlAsync("whoami");

        Assert.True((bool?)dotNet["saved"]);
        Assert.Equal("bob", (string?)perl["user"]);
        Assert.Equal("dark", (string?)perl["values"]!["theme"]);
        Assert.Equal(["apple", "pear"], Items(perl["cart"]));
        var stored = JsonNode.Parse((await DancerDatabase.ReadDocumentAsync(_fixture.Table, Id(perl)))!)!.AsObject();
        Assert.Equal(Id(perl), (string?)stored["id"]);
        Assert.Equal(["cart", "id", "theme", "user"], stored.Select(p => p.Key).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task SignedInOnDotNet_PerlSeesTheUser_UnderTheStrongIdDotNetMade()
    {
        var dotNet = await DotNetAsync("signin?user=carol");
        await DotNetAsync("cart/add?item=tea");

        var perl = await PerlAsync("whoami");

        Assert.True((bool?)dotNet["saved"]);
        Assert.False((bool?)dotNet["weak"]);
        Assert.Matches("^[A-Za-z0-9_-]{32}$", Id(dotNet));
        Assert.Equal(Id(dotNet), _browser.SessionCookie());
        Assert.Equal(Id(dotNet), Id(perl));
        Assert.Equal("carol", (string?)perl["user"]);
        Assert.Equal(["tea"], Items(perl["cart"]));
    }

    [Fact]
    public async Task DestroyedOnPerl_DotNetSeesNoSession()
    {
        var perl = await PerlAsync("signin?user=dave");

        await PerlAsync("signout");
        var dotNet = await DotNetAsync("whoami");

        Assert.Null(dotNet["id"]);
        Assert.Null(dotNet["user"]);
        Assert.Null(await DancerDatabase.ReadDocumentAsync(_fixture.Table, Id(perl)));
    }

    [Fact]
    public async Task DestroyedOnDotNet_PerlSeesNoSession_AndTheBrowserLosesTheCookie()
    {
        var signedIn = await PerlAsync("signin?user=erin");

        var signout = await DotNetAsync("signout");
        Assert.True((bool?)signout["destroyed"]);
        Assert.Null(_browser.SessionCookie());
        Assert.Null(await DancerDatabase.ReadDocumentAsync(_fixture.Table, Id(signedIn)));

        var perl = await PerlAsync("whoami"); // Dancer starts a new, empty session for a browser without one
        Assert.Null(perl["user"]);
        Assert.NotEqual(Id(signedIn), Id(perl));
    }

    [Fact]
    public async Task RegenerateIdOnAWeakPerlId_MovesTheSessionToAStrongIdThatPerlAccepts_AndTheOldIdIsGone()
    {
        var signedIn = await PerlAsync("signin?user=frank");
        await PerlAsync("cart/add?item=bread");
        Assert.Matches("^[0-9]+$", Id(signedIn));

        var regenerated = await DotNetAsync("regenerate");

        Assert.Equal(Id(signedIn), (string?)regenerated["before"]!["id"]);
        Assert.True((bool?)regenerated["before"]!["weak"]);
        Assert.False((bool?)regenerated["weak"]);
        Assert.Matches("^[A-Za-z0-9_-]{32}$", Id(regenerated));
        Assert.Equal(Id(regenerated), _browser.SessionCookie());
        Assert.Null(await DancerDatabase.ReadDocumentAsync(_fixture.Table, Id(signedIn)));
        var stored = JsonNode.Parse((await DancerDatabase.ReadDocumentAsync(_fixture.Table, Id(regenerated)))!)!;
        Assert.Equal(Id(regenerated), (string?)stored["id"]);

        var perl = await PerlAsync("whoami");
        Assert.Equal(Id(regenerated), Id(perl));
        Assert.Equal("frank", (string?)perl["user"]);
        Assert.Equal(["bread"], Items(perl["cart"]));
        Assert.DoesNotContain("Rejecting invalid session ID", _fixture.Perl.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BothWriteTheSameSession_DotNetReadsThenPerlWritesThenDotNetSaves_BothKeysSurvive()
    {
        await PerlAsync("signin?user=grace");
        var gateName = Guid.NewGuid().ToString("N");
        var gate = _fixture.DotNet.Gate(gateName);
        var dotNetWrite = DotNetAsync($"set?key=b&value=from-dotnet&gate={gateName}");
        await gate.Reached.WaitAsync(TimeSpan.FromSeconds(30));

        await PerlAsync("set?key=a&value=from-perl");
        gate.Open();
        var dotNet = await dotNetWrite;

        Assert.True((bool?)dotNet["saved"]);
        var perl = await PerlAsync("whoami");
        Assert.Equal("from-perl", (string?)perl["values"]!["a"]);
        Assert.Equal("from-dotnet", (string?)perl["values"]!["b"]);
        Assert.Equal("grace", (string?)perl["user"]);
    }

    [Fact]
    public async Task BothWriteTheSameSession_PerlReadsThenDotNetWritesThenPerlSaves_PerlsWholeCopyWins_AndDotNetsKeyIsLost()
    {
        // Dancer::Session::DBI writes the whole document it read (INSERT … ON DUPLICATE KEY UPDATE session_data): the last
        // Perl write replaces whatever .NET wrote in between. Nothing on the .NET side can prevent that.
        await PerlAsync("signin?user=heidi");
        var gate = Path.Combine(_gates.FullName, "perl-write");
        var perlWrite = PerlAsync("set?key=a&value=from-perl&gate=" + Uri.EscapeDataString(gate));
        await WaitForFileAsync(gate + ".read", perlWrite);

        var dotNet = await DotNetAsync("set?key=b&value=from-dotnet");
        Assert.True((bool?)dotNet["saved"]);
        await File.WriteAllTextAsync(gate, "");
        await perlWrite;

        var after = await DotNetAsync("whoami");
        Assert.Equal("from-perl", (string?)after["values"]!["a"]);
        Assert.Null(after["values"]!["b"]);
        Assert.Equal("heidi", (string?)after["user"]);
    }

    [Fact]
    public async Task DotNetSavesASessionPerlDestroyedMeanwhile_SaveReportsFalse_AndTheSessionStaysDestroyed()
    {
        var signedIn = await PerlAsync("signin?user=ivan");
        var gateName = Guid.NewGuid().ToString("N");
        var gate = _fixture.DotNet.Gate(gateName);
        var dotNetWrite = DotNetAsync($"set?key=b&value=late&gate={gateName}");
        await gate.Reached.WaitAsync(TimeSpan.FromSeconds(30));

        await PerlAsync("signout");
        gate.Open();
        var dotNet = await dotNetWrite;

        Assert.False((bool?)dotNet["saved"]);
        Assert.Null(await DancerDatabase.ReadDocumentAsync(_fixture.Table, Id(signedIn)));
    }

    [Fact]
    public async Task CutOver_SessionsMadeOnPerl_AreStillReadAndWrittenByDotNet_AfterThePerlAppStops()
    {
        // A Perl app of its own, so stopping it leaves the class's apps running.
        using var other = new Browser();
        List<string> ids = [];
        await using (var perlApp = await DancerApp.StartAsync(_fixture.ConnectionString, _fixture.Table))
        {
            foreach (var (browser, user) in new[] { (_browser, "judy"), (other, "mallory") })
            {
                ids.Add(Id(await browser.GetAsync(perlApp.BaseAddress, $"signin?user={user}", () => perlApp.StandardError)));
                await browser.GetAsync(perlApp.BaseAddress, $"cart/add?item={user}-item", () => perlApp.StandardError);
            }

            await perlApp.StopAsync();
        }

        var judy = await DotNetAsync("whoami");
        var mallory = await other.GetAsync(_fixture.DotNet.BaseAddress, "whoami");
        Assert.Equal((ids[0], "judy", "judy-item"), (Id(judy), (string?)judy["user"], Items(judy["cart"]).Single()));
        Assert.Equal((ids[1], "mallory", "mallory-item"), (Id(mallory), (string?)mallory["user"], Items(mallory["cart"]).Single()));

        var added = await DotNetAsync("cart/add?item=after-cut-over");
        Assert.True((bool?)added["saved"]);
        Assert.Equal(["judy-item", "after-cut-over"], Items(added["cart"]));
    }

    private Task<JsonObject> PerlAsync(string pathAndQuery) =>
        _browser.GetAsync(_fixture.Perl.BaseAddress, pathAndQuery, () => "The Perl app's output:\n" + _fixture.Perl.StandardError);

    private Task<JsonObject> DotNetAsync(string pathAndQuery) => _browser.GetAsync(_fixture.DotNet.BaseAddress, pathAndQuery);

    private static string Id(JsonObject view) => (string?)view["id"] ?? throw new Xunit.Sdk.XunitException("The response has no session: " + view.ToJsonString());

    private static List<string> Items(JsonNode? cart) => cart?.AsArray().Select(item => (string)item!).ToList() ?? [];

    /// <summary>Waits for the Perl app to say (by creating <paramref name="path"/>) that it read the session and waits.</summary>
    private async Task WaitForFileAsync(string path, Task request)
    {
        var waited = Stopwatch.StartNew();
        while (!File.Exists(path))
        {
            if (request.IsCompleted)
            {
                await request; // throws what failed it
                Assert.Fail($"The Perl request finished without waiting at its gate.\n{_fixture.Perl.StandardError}");
            }

            Assert.True(waited.Elapsed < TimeSpan.FromSeconds(30), $"The Perl app never reached its gate.\n{_fixture.Perl.StandardError}");
            await Task.Delay(10);
        }
    }
}
