using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Session;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace SessionStore.AspNetCore.Tests;

/// <summary>
/// The stock <see cref="DistributedSession"/> over a <see cref="MemoryDistributedCache"/>, values to store in it, and a
/// logger that records what it is told. Values go through a commit and a fresh load, as between two requests.
/// </summary>
internal static partial class SessionValueTestKit
{
    public static string NewKey() => "value-" + Guid.NewGuid().ToString("N");

    public static ISession NewSession() => NewSession(NewCache(), Guid.NewGuid().ToString("N"), isNewSessionKey: true);

    /// <summary>Lets <paramref name="write"/> fill a session, commits it, and returns the session the next request loads.</summary>
    public static async Task<ISession> CommitAndReloadAsync(Action<ISession> write)
    {
        var cache = NewCache();
        var sessionKey = Guid.NewGuid().ToString("N");

        var writer = NewSession(cache, sessionKey, isNewSessionKey: true);
        write(writer);
        await writer.CommitAsync();

        var reader = NewSession(cache, sessionKey, isNewSessionKey: false);
        await reader.LoadAsync();
        return reader;
    }

    public static Cart SampleCart() => new(
        "alice",
        [new CartLine("SKU-1", 2, 9.99m), new CartLine("SKU-ÄÖÜ", 1, 120m)],
        new Dictionary<string, List<int>> { ["viewed"] = [3, 1, 4], ["empty"] = [] });

    private static MemoryDistributedCache NewCache() => new(Options.Create(new MemoryDistributedCacheOptions()));

    private static DistributedSession NewSession(IDistributedCache cache, string sessionKey, bool isNewSessionKey) =>
        new(cache, sessionKey, TimeSpan.FromMinutes(20), TimeSpan.FromSeconds(10), () => true, NullLoggerFactory.Instance, isNewSessionKey);

    public sealed record Cart(string Owner, List<CartLine> Lines, Dictionary<string, List<int>> History);

    public sealed record CartLine(string Sku, int Quantity, decimal UnitPrice);

    // snake_case, so a test can tell from the stored bytes that this contract, not reflection, wrote them.
    [JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
    [JsonSerializable(typeof(Cart))]
    public sealed partial class CartJsonContext : JsonSerializerContext;

    public sealed record LogEntry(LogLevel Level, EventId EventId, string Message, Exception? Exception);

    public sealed class RecordingLogger : ILogger
    {
        public List<LogEntry> Entries { get; } = [];

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            Entries.Add(new LogEntry(logLevel, eventId, formatter(state, exception), exception));
    }
}
