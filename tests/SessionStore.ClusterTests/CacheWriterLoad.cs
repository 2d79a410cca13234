using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.ClusterTests;

/// <summary>
/// A bounded load on one cache: each worker writes its own keys in turn, reading each back right after the write, every
/// operation under its own timeout. It keeps what a failover test needs: when operations succeeded, how they failed, and
/// what each key may hold afterwards. Shared by the MySQL and the etcd cluster tests (linked into the etcd project); each
/// says which failures of its cache are expected, and how to name them.
/// </summary>
internal abstract class CacheWriterLoad(IDistributedCache cache, DistributedCacheEntryOptions entryOptions, int workers, int keysPerWorker, TimeSpan operationTimeout)
{
    private readonly ConcurrentQueue<TimeSpan> _successes = new();
    private readonly ConcurrentDictionary<string, int> _failures = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<TimeSpan> _failureTimes = new();
    private readonly ConcurrentQueue<string> _readMismatches = new();
    private readonly ConcurrentBag<KeyLedger> _ledgers = [];
    private int _writesAcknowledged;

    /// <summary>When each operation (a Set or a Get) succeeded, from the start of the load.</summary>
    public IReadOnlyCollection<TimeSpan> Successes => _successes;

    /// <summary>Failed operations by kind, e.g. <c>Set: MySqlException UnableToConnectToHost</c> or <c>Set: RpcException</c>.</summary>
    public IReadOnlyDictionary<string, int> Failures => _failures;

    /// <summary>When each failed operation gave up, from the start of the load.</summary>
    public IReadOnlyCollection<TimeSpan> FailureTimes => _failureTimes;

    /// <summary>A Get right after an acknowledged Set of the same key that returned something else.</summary>
    public IReadOnlyCollection<string> ReadMismatches => _readMismatches;

    public IReadOnlyCollection<KeyLedger> Ledgers => _ledgers;

    public int WritesAcknowledged => _writesAcknowledged;

    /// <summary>
    /// Runs every worker until <paramref name="stop"/> fires; an operation in flight then still completes, under its own
    /// timeout.
    /// </summary>
    public Task RunAsync(Stopwatch clock, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, workers).Select(worker => Task.Run(() => RunWorkerAsync(worker, clock, stop), CancellationToken.None)));

    /// <summary>
    /// The longest time without any successful operation, counting the start and the end of the load as edges.
    /// </summary>
    public (TimeSpan Length, TimeSpan From) LongestGap(TimeSpan loadEnded)
    {
        var times = _successes.Order().Prepend(TimeSpan.Zero).Append(loadEnded).ToList();
        var longest = (Length: TimeSpan.Zero, From: TimeSpan.Zero);
        for (var i = 1; i < times.Count; i++)
        {
            var gap = times[i] - times[i - 1];
            if (gap > longest.Length)
            {
                longest = (gap, times[i - 1]);
            }
        }

        return longest;
    }

    /// <summary>"kind × count, …", most frequent first, or "none".</summary>
    public string DescribeFailures() =>
        _failures.IsEmpty
            ? "none"
            : string.Join(", ", _failures.OrderByDescending(pair => pair.Value).Select(pair => $"{pair.Key} × {pair.Value}"))
              + $", between {_failureTimes.Min().TotalSeconds:0.0} s and {_failureTimes.Max().TotalSeconds:0.0} s";

    /// <summary>
    /// The kind under which a failed <paramref name="operation"/> is counted, or null for an exception the load does not
    /// expect, which then propagates.
    /// </summary>
    protected abstract string? DescribeFailure(string operation, Exception exception, TimeSpan operationTimeout);

    private async Task RunWorkerAsync(int worker, Stopwatch clock, CancellationToken stop)
    {
        var ledgers = Enumerable.Range(0, keysPerWorker).Select(_ => new KeyLedger(Guid.NewGuid().ToString())).ToList();
        foreach (var ledger in ledgers)
        {
            _ledgers.Add(ledger);
        }

        for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
        {
            var ledger = ledgers[sequence % ledgers.Count];
            var value = $"worker {worker} write {sequence}";
            if (!await TryAsync("Set", clock, token => cache.SetAsync(ledger.Key, Encoding.UTF8.GetBytes(value), entryOptions, token)))
            {
                ledger.InDoubtWrite(value);
                continue;
            }

            ledger.Acknowledged(value);
            Interlocked.Increment(ref _writesAcknowledged);

            byte[]? read = null;
            if (await TryAsync("Get", clock, async token => read = await cache.GetAsync(ledger.Key, token))
                && (read is null || Encoding.UTF8.GetString(read) != value))
            {
                _readMismatches.Enqueue($"{ledger.Key}: wrote '{value}', read {(read is null ? "nothing" : $"'{Encoding.UTF8.GetString(read)}'")}");
            }
        }
    }

    private async Task<bool> TryAsync(string operation, Stopwatch clock, Func<CancellationToken, Task> run)
    {
        using var timeout = new CancellationTokenSource(operationTimeout);
        try
        {
            await run(timeout.Token);
            _successes.Enqueue(clock.Elapsed);
            return true;
        }
        catch (Exception exception) when (DescribeFailure(operation, exception, operationTimeout) is { } kind)
        {
            _failures.AddOrUpdate(kind, 1, (_, count) => count + 1);
            _failureTimes.Enqueue(clock.Elapsed);
            return false;
        }
    }
}
