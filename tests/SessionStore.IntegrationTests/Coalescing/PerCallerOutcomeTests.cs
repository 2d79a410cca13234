using Microsoft.Extensions.Caching.Distributed;
using MySqlConnector;

namespace SessionStore.IntegrationTests.Coalescing;

/// <summary>
/// Every caller keeps its own outcome, whether or not its operation shared a statement with others: a bad argument is
/// refused with its own exception and takes no one down with it; a row the server refuses fails that Set alone (a
/// coalesced statement that fails for a non-transient reason is split until the failing operation is alone), and the
/// rest of the burst is stored.
/// </summary>
public sealed class PerCallerOutcomeTests(CoalescingDatabaseFixture database) : IClassFixture<CoalescingDatabaseFixture>
{
    private const int BurstSize = 50;

    // The value the triggers refuse: a byte string no other Set of these tests writes.
    private static readonly byte[] s_poison = [0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x50, 0x4F, 0x49, 0x53, 0x4F, 0x4E];

    private static readonly DistributedCacheEntryOptions s_noExpiry = new();

    private static byte[] ValueOf(int round, int index) => [(byte)round, (byte)index, 0x5A];

    [Theory]
    [InlineData(true, 64, 4)]
    [InlineData(true, 8, 2)]
    [InlineData(false, 64, 4)]
    public async Task PoisonedRow_FailsOnlyItsOwnSet_AndEveryOtherSetOfTheBurstIsStored(bool coalesce, int maxBatchSize, int connections)
    {
        var table = await CreatePoisonedTableAsync();
        using var sut = database.CreateCache(
            o =>
            {
                o.KeyStorage = DbiSessionKeyStorage.Verbatim;
                o.CoalesceOperations = coalesce;
                o.MaxBatchSize = maxBatchSize;
                o.CoalescingConnections = connections;
            },
            table);
        var prefix = Guid.NewGuid().ToString("N")[..12];
        string Key(int index) => $"{prefix}-{index}";
        var stored = new Dictionary<string, byte[]>(StringComparer.Ordinal);

        // Half the keys exist already, so a coalesced upsert both inserts and updates.
        for (var i = 0; i < BurstSize; i += 2)
        {
            await sut.Cache.SetAsync(Key(i), [0xFF], s_noExpiry);
            stored[Key(i)] = [0xFF];
        }

        for (var round = 0; round < 6; round++)
        {
            // The poisoned Set moves through the burst; in even rounds it would insert a new row (BEFORE INSERT refuses
            // it), in odd rounds update an existing one (BEFORE UPDATE refuses it).
            var poisoned = (((round * 17) + 5) % BurstSize) & ~1;
            var poisonedKey = round % 2 == 0 ? $"{prefix}-new-{round}" : Key(poisoned);
            string KeyAt(int i) => i == poisoned ? poisonedKey : Key(i);
            var outcomes = await Burst.RunAsync(BurstSize, i =>
                sut.Cache.SetAsync(KeyAt(i), i == poisoned ? s_poison : ValueOf(round, i), s_noExpiry));

            for (var i = 0; i < BurstSize; i++)
            {
                if (i == poisoned)
                {
                    var refused = Assert.IsType<MySqlException>(outcomes[i]);
                    Assert.Equal("45000", refused.SqlState);
                }
                else
                {
                    Assert.True(outcomes[i] is null, $"Round {round}: Set {i} failed beside the poisoned Set {poisoned}: {outcomes[i]}");
                    stored[KeyAt(i)] = ValueOf(round, i);
                }
            }

            // Every other Set is stored, and the refused one changed nothing: a new key is still missing, an existing
            // one keeps its last value.
            foreach (var (key, value) in stored)
            {
                Assert.Equal(value, await sut.Cache.GetAsync(key));
            }

            Assert.Equal(stored.GetValueOrDefault(poisonedKey), await sut.Cache.GetAsync(poisonedKey));
        }
    }

    [Theory]
    [InlineData(true, 64, 4)]
    [InlineData(true, 8, 2)]
    [InlineData(false, 64, 4)]
    public async Task BadArguments_AreRefusedWithTheirOwnException_AndTheRestOfTheBurstSucceeds(bool coalesce, int maxBatchSize, int connections)
    {
        using var sut = database.CreateCache(o =>
        {
            o.CoalesceOperations = coalesce;
            o.MaxBatchSize = maxBatchSize;
            o.CoalescingConnections = connections;
        });
        var prefix = Guid.NewGuid().ToString("N");
        string Key(int index) => $"{prefix}:{index}";
        await sut.Cache.GetAsync("bind"); // the table's shape is read once, before the burst
        var tooLarge = new byte[16 * 1024 * 1024]; // MEDIUMBLOB holds 16 MiB − 1
        const int TooLargeAt = 7, PastAt = 19, MalformedKeyAt = 31, MalformedGetAt = 43;

        var outcomes = await Burst.RunAsync(BurstSize, i => i switch
        {
            TooLargeAt => sut.Cache.SetAsync(Key(i), tooLarge, s_noExpiry),
            PastAt => sut.Cache.SetAsync(Key(i), [1], new DistributedCacheEntryOptions { AbsoluteExpiration = sut.Clock.GetUtcNow().AddMinutes(-1) }),
            MalformedKeyAt => sut.Cache.SetAsync("lone \uD800 surrogate", [1], s_noExpiry),
            MalformedGetAt => sut.Cache.GetAsync("\uDC00 lone low surrogate"),
            _ => sut.Cache.SetAsync(Key(i), ValueOf(0, i), s_noExpiry),
        });

        Assert.Equal("value", Assert.IsType<ArgumentException>(outcomes[TooLargeAt]).ParamName);
        Assert.Contains("must be in the future", Assert.IsType<ArgumentOutOfRangeException>(outcomes[PastAt]).Message, StringComparison.Ordinal);
        Assert.Equal("key", Assert.IsType<ArgumentException>(outcomes[MalformedKeyAt]).ParamName);
        Assert.Equal("key", Assert.IsType<ArgumentException>(outcomes[MalformedGetAt]).ParamName);
        for (var i = 0; i < BurstSize; i++)
        {
            if (i is not (TooLargeAt or PastAt or MalformedKeyAt or MalformedGetAt))
            {
                Assert.True(outcomes[i] is null, $"Set {i} failed beside the refused ones: {outcomes[i]}");
                Assert.Equal(ValueOf(0, i), await sut.Cache.GetAsync(Key(i)));
            }
        }

        Assert.Null(await sut.Cache.GetAsync(Key(TooLargeAt)));
        Assert.Null(await sut.Cache.GetAsync(Key(PastAt)));
    }

    /// <summary>A table of the documented schema whose triggers refuse <see cref="s_poison"/> as a new or an updated value.</summary>
    private async Task<string> CreatePoisonedTableAsync()
    {
        var table = "poisoned_" + Guid.NewGuid().ToString("N")[..12];
        await database.CreateTableAsync(table);
        var poison = Convert.ToHexString(s_poison);
        foreach (var (suffix, timing) in new[] { ("bi", "BEFORE INSERT"), ("bu", "BEFORE UPDATE") })
        {
            await database.ExecuteAsync($"""
                CREATE TRIGGER `{table}_{suffix}` {timing} ON `{table}` FOR EACH ROW
                IF NEW.session_data = X'{poison}' THEN
                  SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'poisoned value refused by the test trigger';
                END IF
                """);
        }

        return table;
    }
}
