using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SessionStore.DataProtection.Internal;

namespace SessionStore.DataProtection.IntegrationTests;

/// <summary>The <c>IXmlRepository</c> contract on a real server, below the key manager.</summary>
public sealed class DbiXmlRepositoryTests(KeyTablesFixture tables) : IClassFixture<KeyTablesFixture>
{
    private static DbiXmlRepository Repository(IServiceProvider provider) => provider.GetRequiredService<DbiXmlRepository>();

    [Fact]
    public async Task GetAllElements_OnAnEmptyTable_ReturnsNothing()
    {
        using var provider = tables.CreateProvider(await tables.CreateTableAsync());

        Assert.Empty(Repository(provider).GetAllElements());
    }

    [Fact]
    public async Task StoreElement_ThenGetAllElements_ReturnsEveryElementInStorageOrder()
    {
        using var provider = tables.CreateProvider(await tables.CreateTableAsync());
        var repository = Repository(provider);
        XElement[] stored =
        [
            new("key", new XAttribute("id", "b"), new XElement("secret", "c2VjcmV0")),
            new("key", new XAttribute("id", "a"), new XElement("note", "Grüße, 鍵, 🔑, <&> \"quoted\"")),
            new("revocation", new XElement("reason", "  spaces kept  ")),
        ];

        repository.StoreElement(stored[0], "key-b");
        repository.StoreElement(stored[1], "key-a");
        repository.StoreElement(stored[2], "revocation-1");

        var read = repository.GetAllElements();
        Assert.Equal(3, read.Count);
        Assert.All(stored.Zip(read), pair => Assert.True(XNode.DeepEquals(pair.First, pair.Second), $"{pair.First} != {pair.Second}"));
    }

    [Fact]
    public async Task StoreElement_IsSeenByAnotherStoreOnTheSameTable_AtItsNextRead()
    {
        var table = await tables.CreateTableAsync();
        using var providerA = tables.CreateProvider(table);
        using var providerB = tables.CreateProvider(table);
        Assert.Empty(Repository(providerB).GetAllElements());

        Repository(providerA).StoreElement(new XElement("key", "k"), "key-1");

        Assert.Equal("k", Assert.Single(Repository(providerB).GetAllElements()).Value);
    }

    [Fact]
    public async Task StoreElement_SameFriendlyNameTwice_KeepsOneRowWithTheLatestXml()
    {
        var table = await tables.CreateTableAsync();
        using var provider = tables.CreateProvider(table);
        var repository = Repository(provider);
        repository.StoreElement(new XElement("first"), "other");

        repository.StoreElement(new XElement("key", "old"), "key-1");
        repository.StoreElement(new XElement("key", "new"), "key-1");

        Assert.Equal(["first", "new"], repository.GetAllElements().Select(e => e.Name == "key" ? e.Value : e.Name.LocalName));
        Assert.Equal(2L, await tables.ScalarAsync<long>($"SELECT COUNT(*) FROM `{table}`"));
    }

    [Fact]
    public async Task StoreElement_FriendlyNamesDifferingOnlyInCase_AreTwoRows()
    {
        var table = await tables.CreateTableAsync();
        using var provider = tables.CreateProvider(table);

        Repository(provider).StoreElement(new XElement("a"), "key-A");
        Repository(provider).StoreElement(new XElement("b"), "key-a");

        Assert.Equal(2, Repository(provider).GetAllElements().Count);
    }

    [Fact]
    public async Task StoreElement_WithoutAFriendlyName_StoresUnderAGeneratedOne()
    {
        var table = await tables.CreateTableAsync();
        using var provider = tables.CreateProvider(table);

        Repository(provider).StoreElement(new XElement("a"), null!);
        Repository(provider).StoreElement(new XElement("b"), "");

        Assert.Equal(2L, await tables.ScalarAsync<long>($"SELECT COUNT(*) FROM `{table}` WHERE friendly_name LIKE 'element-%'"));
    }

    [Fact]
    public async Task StoreElement_StampsCreatedAtInUtc_FromTheTimeProvider_ToTheMicrosecond()
    {
        var table = await tables.CreateTableAsync();
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.FromHours(2)).AddTicks(1_234_567));
        using var provider = tables.CreateProvider(table, services: s => s.AddSingleton<TimeProvider>(clock));

        Repository(provider).StoreElement(new XElement("key"), "key-1");

        Assert.Equal(new DateTime(2026, 11, 22, 10, 0, 0, DateTimeKind.Utc).AddTicks(1_234_560),
            await tables.ScalarAsync<DateTime>($"SELECT created_at FROM `{table}` WHERE friendly_name = 'key-1'"));
    }

    [Fact]
    public async Task GetAllElements_SkipsARowThatIsNotXml_AndReturnsTheRest()
    {
        var table = await tables.CreateTableAsync();
        using var provider = tables.CreateProvider(table);
        await tables.ExecuteAsync($"INSERT INTO `{table}` (friendly_name, xml, created_at) VALUES ('key-broken', '<key><unclosed></key>', UTC_TIMESTAMP(6))");

        Repository(provider).StoreElement(new XElement("key", "good"), "key-good");

        Assert.Equal("good", Assert.Single(Repository(provider).GetAllElements()).Value);
    }

    [Fact]
    public async Task Dispose_ThenUse_ThrowsObjectDisposedException()
    {
        var provider = tables.CreateProvider(await tables.CreateTableAsync());
        var repository = Repository(provider);

        await provider.DisposeAsync();

        Assert.Throws<ObjectDisposedException>(() => repository.GetAllElements());
        Assert.Throws<ObjectDisposedException>(() => repository.StoreElement(new XElement("key"), "key-1"));
    }
}
