using System.Globalization;
using CsCheck;
using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.FaultTests.Model;

/// <summary>Which of the cache's equivalent members an operation goes through.</summary>
internal enum Api
{
    Sync,
    Async,
    Buffer,
}

internal enum ExpiryKind
{
    None,
    AbsoluteRelative,
    AbsoluteFixed,
    Sliding,
    SlidingAndAbsolute,
}

/// <summary>One step of a generated sequence. Keys are indices into a small key space; durations are whole seconds.</summary>
internal abstract record CacheOperation
{
    public const int KeySpace = 4;

    private static readonly Gen<int> s_key = Gen.Int[0, KeySpace - 1];
    private static readonly Gen<Api> s_api = Gen.Enum<Api>();

    private static readonly Gen<CacheOperation> s_set = Gen.Select(
        s_key, Gen.Byte.Array[0, 6], Gen.Enum<ExpiryKind>(), Gen.Int[1, 12], Gen.Int[1, 8], s_api,
        (key, value, kind, absolute, sliding, api) => (CacheOperation)new SetOperation(key, value, kind, absolute, sliding, api));

    private static readonly Gen<CacheOperation> s_get = Gen.Select(s_key, s_api, (key, api) => (CacheOperation)new GetOperation(key, api));

    private static readonly Gen<CacheOperation> s_refresh = Gen.Select(s_key, Gen.Bool, (key, isAsync) => (CacheOperation)new RefreshOperation(key, isAsync));

    private static readonly Gen<CacheOperation> s_remove = Gen.Select(s_key, Gen.Bool, (key, isAsync) => (CacheOperation)new RemoveOperation(key, isAsync));

    // 0 s keeps several operations at one instant, where the cache's skipping of a Refresh right after a Get applies.
    private static readonly Gen<CacheOperation> s_advance = Gen.Int[0, 6].Select(seconds => (CacheOperation)new AdvanceOperation(seconds));

    public static Gen<CacheOperation[]> Sequence { get; } =
        Gen.Frequency((4, s_set), (3, s_get), (3, s_refresh), (1, s_remove), (3, s_advance)).Array[1, 200];

    public static string Print(CacheOperation[] operations) =>
        $"{operations.Length} operations:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", operations.Select(o => o.ToString()));
}

internal sealed record SetOperation(int Key, byte[] Value, ExpiryKind Kind, int AbsoluteSeconds, int SlidingSeconds, Api Api) : CacheOperation
{
    public DistributedCacheEntryOptions Options(DateTimeOffset now) => Kind switch
    {
        ExpiryKind.None => new DistributedCacheEntryOptions(),
        ExpiryKind.AbsoluteRelative => new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(AbsoluteSeconds) },
        ExpiryKind.AbsoluteFixed => new DistributedCacheEntryOptions { AbsoluteExpiration = now.AddSeconds(AbsoluteSeconds) },
        ExpiryKind.Sliding => new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromSeconds(SlidingSeconds) },
        _ => new DistributedCacheEntryOptions
        {
            AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(AbsoluteSeconds),
            SlidingExpiration = TimeSpan.FromSeconds(SlidingSeconds),
        },
    };

    public override string ToString()
    {
        var expiry = Kind switch
        {
            ExpiryKind.None => "no expiration",
            ExpiryKind.AbsoluteRelative => $"absolute +{AbsoluteSeconds}s (relative)",
            ExpiryKind.AbsoluteFixed => $"absolute +{AbsoluteSeconds}s (fixed)",
            ExpiryKind.Sliding => $"sliding {SlidingSeconds}s",
            _ => $"sliding {SlidingSeconds}s, absolute +{AbsoluteSeconds}s",
        };
        return string.Create(CultureInfo.InvariantCulture, $"Set(k{Key}, [{Convert.ToHexString(Value)}], {expiry}) {Api}");
    }
}

internal sealed record GetOperation(int Key, Api Api) : CacheOperation
{
    public override string ToString() => $"Get(k{Key}) {Api}";
}

internal sealed record RefreshOperation(int Key, bool IsAsync) : CacheOperation
{
    public override string ToString() => $"Refresh(k{Key}) {(IsAsync ? "Async" : "Sync")}";
}

internal sealed record RemoveOperation(int Key, bool IsAsync) : CacheOperation
{
    public override string ToString() => $"Remove(k{Key}) {(IsAsync ? "Async" : "Sync")}";
}

internal sealed record AdvanceOperation(int Seconds) : CacheOperation
{
    public override string ToString() => $"Advance({Seconds}s)";
}
