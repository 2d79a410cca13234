using SessionStore.Connections;
using SessionStore.Operations;
using SessionStore.Schema;

namespace SessionStore.Dispatch;

/// <summary>
/// Where an operation's statement goes out: alone, or coalesced with the operations of its kind that are waiting (see
/// <see cref="CoalescingQueue{TRequest, TResult}"/>). One per cache, made with the table binding; every operation of
/// <see cref="CacheOperations"/> passes through here, and nothing here decides what to send, only how.
/// </summary>
internal sealed class Dispatcher
{
    /// <summary>A value larger than this (escapes counted) is never coalesced: it goes alone, and cannot delay small writes.</summary>
    private const long MaxBatchBytes = 1 << 20;

    private readonly SingleStatements _single;
    private readonly CoalescingQueue<ReadRequest, StoredEntry>? _reads;
    private readonly CoalescingQueue<ExtendRequest, int>? _extensions;
    private readonly CoalescingQueue<WriteRequest, int>? _writes;
    private readonly CoalescingQueue<RemoveRequest, int>? _removes;

    public Dispatcher(DbiSessionCacheOptions options, TableBinding binding, RetryingExecutor executor)
    {
        var window = options.DefaultSlidingExpiration.Ticks / TimeSpan.TicksPerMicrosecond;
        _single = new SingleStatements(binding, executor, window);

        // A coalesced read matches rows to ids by their text, which needs ids the server compares exactly as text.
        if (!options.CoalesceOperations || !binding.Shape.IdsCompareOrdinally)
        {
            return;
        }

        var batches = new BatchStatements(binding, executor, window);
        var (lanes, size) = (options.CoalescingConnections, options.MaxBatchSize);

        // A Refresh's check shares the reads' statements: alone it reads no data, coalesced it rides along with the Gets
        // (a row of data costs the server far less than a statement of its own).
        _reads = new(lanes, size, ReadAloneAsync, batches.ReadAsync, detach: static r => r.Detached());
        if (binding.Statements.Refresh is not null)
        {
            _extensions = new(lanes, size, _single.ExtendAsync, batches.ExtendAsync);
        }

        // Two writes of one id never share a statement (the later waits for the next), and a batch stays far below
        // max_allowed_packet.
        var maxBatchBytes = Math.Min(MaxBatchBytes, binding.Shape.MaxAllowedPacket / 2);
        _writes = new(lanes, size, _single.WriteAsync, batches.WriteAsync,
            orderKey: static w => w.Id, size: static w => w.Size, maxBatchBytes: maxBatchBytes, detach: static w => w.Detached());
        _removes = new(lanes, size, _single.RemoveAsync, batches.RemoveAsync);
    }

    /// <summary>Reads an entry (into the request's buffer when it goes alone; coalesced, the value comes back as an array).</summary>
    public ValueTask<StoredEntry> ReadAsync(ReadRequest request, bool isAsync, CancellationToken cancellationToken) =>
        _reads?.RunAsync(request, isAsync, cancellationToken) ?? _single.ReadAsync(request, null, isAsync, cancellationToken);

    /// <summary>
    /// Extends a due entry and reads it in one round trip, for a read this process knows is due: always alone (once per
    /// threshold of a window, per entry in use, it is too rare to coalesce).
    /// </summary>
    public ValueTask<StoredEntry> ExtendAndReadAsync(ReadRequest request, double threshold, bool isAsync, CancellationToken cancellationToken) =>
        _single.ReadAsync(request, threshold, isAsync, cancellationToken);

    /// <summary>Reads a live entry's expiry facts, without its data.</summary>
    public ValueTask<StoredEntry> ReadExpiryAsync(ReadRequest request, bool isAsync, CancellationToken cancellationToken) =>
        _reads?.RunAsync(request with { ExpiryOnly = true }, isAsync, cancellationToken) ?? _single.ReadExpiryAsync(request, isAsync, cancellationToken);

    /// <summary>Extends an entry if due: 1 extended, 0 not, −1 when a coalesced statement extended only some of its ids.</summary>
    public ValueTask<int> ExtendAsync(ExtendRequest request, bool isAsync, CancellationToken cancellationToken) =>
        _extensions?.RunAsync(request, isAsync, cancellationToken) ?? _single.ExtendAsync(request, isAsync, cancellationToken);

    public ValueTask<int> WriteAsync(WriteRequest request, bool isAsync, CancellationToken cancellationToken) =>
        _writes?.RunAsync(request, isAsync, cancellationToken) ?? _single.WriteAsync(request, isAsync, cancellationToken);

    public ValueTask<int> RemoveAsync(RemoveRequest request, bool isAsync, CancellationToken cancellationToken) =>
        _removes?.RunAsync(request, isAsync, cancellationToken) ?? _single.RemoveAsync(request, isAsync, cancellationToken);

    private ValueTask<StoredEntry> ReadAloneAsync(ReadRequest request, bool isAsync, CancellationToken cancellationToken) =>
        request.ExpiryOnly ? _single.ReadExpiryAsync(request, isAsync, cancellationToken) : _single.ReadAsync(request, null, isAsync, cancellationToken);

    /// <summary>Moves an entry to a new id: always alone (a session-id rotation is rare, and needs its own count).</summary>
    public ValueTask<bool> ChangeIdAsync(string id, string newId, DateTime now, CancellationToken cancellationToken) =>
        _single.ChangeIdAsync(id, newId, now, cancellationToken);
}
