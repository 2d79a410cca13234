using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;

namespace SessionStore.DataProtection.IntegrationTests;

/// <summary>The property a farm needs: every server that points at the same table (and application name) shares one key ring.</summary>
public sealed class WebFarmTests(KeyTablesFixture tables) : IClassFixture<KeyTablesFixture>
{
    private const string Purpose = "SessionStore.DataProtection.IntegrationTests";

    private static IDataProtector Protector(IServiceProvider provider) =>
        provider.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);

    [Fact]
    public async Task TwoServersOnOneTable_UnprotectWhatTheOtherProtected_WithOneSharedKey()
    {
        var table = await tables.CreateTableAsync();
        using var serverA = tables.CreateProvider(table);
        using var serverB = tables.CreateProvider(table);

        var fromA = Protector(serverA).Protect("cart: 3 apples");
        var fromB = Protector(serverB).Protect("cart: 2 pears");

        Assert.Equal("cart: 3 apples", Protector(serverB).Unprotect(fromA));
        Assert.Equal("cart: 2 pears", Protector(serverA).Unprotect(fromB));
        Assert.Equal(1L, await tables.ScalarAsync<long>($"SELECT COUNT(*) FROM `{table}` WHERE friendly_name LIKE 'key-%'"));
    }

    [Fact]
    public async Task ServerOnAnotherTable_CannotUnprotect()
    {
        var table = await tables.CreateTableAsync();
        var otherTable = await tables.CreateTableAsync();
        using var serverA = tables.CreateProvider(table);
        using var stranger = tables.CreateProvider(otherTable);
        var fromA = Protector(serverA).Protect("cart: 3 apples");

        var exception = Assert.Throws<CryptographicException>(() => Protector(stranger).Unprotect(fromA));

        Assert.Contains("was not found in the key ring", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task KeyRing_SurvivesARestartOfTheApp()
    {
        var table = await tables.CreateTableAsync();
        string protectedBeforeRestart;
        using (var beforeRestart = tables.CreateProvider(table))
        {
            protectedBeforeRestart = Protector(beforeRestart).Protect("signed in as alice");
        }

        using var afterRestart = tables.CreateProvider(table);

        Assert.Equal("signed in as alice", Protector(afterRestart).Unprotect(protectedBeforeRestart));
    }
}
