using System.Text;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;

namespace SessionStore.IntegrationTests;

public sealed class ProtectValuesTests(SessionTableFixture table) : IClassFixture<SessionTableFixture>, IDisposable
{
    private readonly DirectoryInfo _keyRing = Directory.CreateTempSubdirectory("sessionstore-keys-");
    private readonly DirectoryInfo _otherKeyRing = Directory.CreateTempSubdirectory("sessionstore-keys-");

    public void Dispose()
    {
        _keyRing.Delete(recursive: true);
        _otherKeyRing.Delete(recursive: true);
    }

    private CacheUnderTest CreateCache(DirectoryInfo keyRing, bool strict = false) => table.CreateCache(
        o =>
        {
            o.ProtectValues = true;
            o.ThrowOnUnreadableEntries = strict;
        },
        services => services.AddDataProtection().SetApplicationName("tests").PersistKeysToFileSystem(keyRing));

    [Fact]
    public async Task ProtectedValues_RoundTrip_AndTheStoredBytesAreNotThePlaintext()
    {
        using var sut = CreateCache(_keyRing);
        var key = Guid.NewGuid().ToString();
        var plaintext = Encoding.UTF8.GetBytes("{\"user\":\"alice\",\"card\":\"4111111111111111\"}");

        await sut.Cache.SetAsync(key, plaintext, new DistributedCacheEntryOptions());

        Assert.Equal(plaintext, await sut.Cache.GetAsync(key));
        var stored = await table.ScalarAsync<byte[]>($"SELECT session_data FROM `{table.Table}` WHERE id = @id", ("@id", Keys.StoredId.Digest(key)));
        Assert.NotNull(stored);
        Assert.True(stored.Length > plaintext.Length);
        Assert.Equal(-1, stored.AsSpan().IndexOf("alice"u8));
        Assert.Equal(-1, stored.AsSpan().IndexOf("4111"u8));
    }

    [Fact]
    public async Task ProtectedValues_ThroughTheBufferPath_RoundTrip()
    {
        using var sut = CreateCache(_keyRing);
        var key = Guid.NewGuid().ToString();
        await sut.BufferCache.SetAsync(key, new System.Buffers.ReadOnlySequence<byte>([1, 2, 3]), new DistributedCacheEntryOptions());
        var writer = new System.Buffers.ArrayBufferWriter<byte>();

        Assert.True(await sut.BufferCache.TryGetAsync(key, writer));
        Assert.Equal([1, 2, 3], writer.WrittenSpan.ToArray());
    }

    [Fact]
    public async Task AnotherKeyRing_CannotReadThem()
    {
        using var writer = CreateCache(_keyRing);
        using var lenient = CreateCache(_otherKeyRing);
        using var strict = CreateCache(_otherKeyRing, strict: true);
        var key = Guid.NewGuid().ToString();
        await writer.Cache.SetAsync(key, [1, 2, 3], new DistributedCacheEntryOptions());

        Assert.Null(await lenient.Cache.GetAsync(key));
        var exception = await Assert.ThrowsAsync<InvalidDataException>(() => strict.Cache.GetAsync(key));
        Assert.Contains("Data Protection key ring", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ProtectValues_WithoutDataProtection_IsRefusedAtStartup()
    {
        var failure = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => table.CreateCache(o => o.ProtectValues = true).Cache);

        Assert.Contains(failure.Failures, f => f.Contains("call services.AddDataProtection()", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RowWithNullData_WithProtectValues_IsUnreadable_NotACrash()
    {
        var name = "legacy_" + Guid.NewGuid().ToString("N")[..12];
        await table.ExecuteAsync($"CREATE TABLE `{name}` (id CHAR(40) PRIMARY KEY, session_data TEXT NULL)");
        var key = Guid.NewGuid().ToString();
        await table.ExecuteAsync($"INSERT INTO `{name}` (id, session_data) VALUES (@id, NULL)", ("@id", Keys.StoredId.Digest(key)));
        var services = (Action<IServiceCollection>)(s => s.AddDataProtection().SetApplicationName("tests").PersistKeysToFileSystem(_keyRing));
        using var lenient = table.CreateCache(o => { o.Table = name; o.ProtectValues = true; }, services);
        using var strict = table.CreateCache(o => { o.Table = name; o.ProtectValues = true; o.ThrowOnUnreadableEntries = true; }, services);

        Assert.Null(await lenient.Cache.GetAsync(key));
        await Assert.ThrowsAsync<InvalidDataException>(() => strict.Cache.GetAsync(key));
    }
}
