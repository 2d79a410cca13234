using System.Runtime.CompilerServices;

namespace SessionStore.Dispatch;

/// <summary>
/// Sends operations of one kind alone while fewer than <c>lanes</c> statements of that kind are in flight, and together
/// once they all are: an operation that arrives while every lane is busy waits, and the next lane to finish takes every
/// waiting operation (up to a batch) into one statement. There is no timer: a lone operation goes out at once, on its
/// caller's thread and with its caller's cancellation token, exactly as without coalescing.
/// </summary>
/// <remarks>
/// Each caller keeps its own outcome. A batch runs with no caller's token, so one caller giving up never cancels the others'
/// work; a caller that gives up while still waiting is withdrawn, and one whose operation is already in a statement stops
/// waiting for it. Operations with the same <c>orderKey</c> never share a batch: the later one waits for the next, so writes
/// to one key are applied in the order they arrived.
/// </remarks>
internal sealed class CoalescingQueue<TRequest, TResult>
{
    private readonly int _lanes;
    private readonly int _maxBatchSize;
    private readonly long _maxBatchBytes;
    private readonly Func<TRequest, bool, CancellationToken, ValueTask<TResult>> _runAlone;
    private readonly Func<IReadOnlyList<PendingOperation<TRequest, TResult>>, Task> _runBatch;
    private readonly Func<TRequest, string>? _orderKey;
    private readonly Func<TRequest, long>? _size;
    private readonly Func<TRequest, TRequest>? _detach;
    private readonly List<PendingOperation<TRequest, TResult>> _waiting = [];
    private readonly Lock _gate = new();
    private int _busyLanes;

    /// <param name="lanes">How many statements of this kind may be in flight at once.</param>
    /// <param name="maxBatchSize">How many operations one statement carries at most.</param>
    /// <param name="runAlone">Sends one operation by itself (with its caller's I/O mode and token), retrying as it would without coalescing.</param>
    /// <param name="runBatch">
    /// Sends two or more operations as one statement and completes each of them; may throw, and then every operation it did
    /// not complete is completed by <see cref="CoalescingQueue{TRequest, TResult}"/> (see <see cref="RunBatchAsync"/>).
    /// </param>
    /// <param name="orderKey">Operations with equal keys never share a batch; <see langword="null"/> when order does not matter.</param>
    /// <param name="size">What an operation adds to the statement, in bytes; <see langword="null"/> when it is small.</param>
    /// <param name="maxBatchBytes">The most a batch may add up to by <paramref name="size"/>; a larger operation goes alone.</param>
    /// <param name="detach">Makes a waiting operation independent of its caller's buffers, which a caller that stops waiting may reuse.</param>
    public CoalescingQueue(
        int lanes,
        int maxBatchSize,
        Func<TRequest, bool, CancellationToken, ValueTask<TResult>> runAlone,
        Func<IReadOnlyList<PendingOperation<TRequest, TResult>>, Task> runBatch,
        Func<TRequest, string>? orderKey = null,
        Func<TRequest, long>? size = null,
        long maxBatchBytes = long.MaxValue,
        Func<TRequest, TRequest>? detach = null)
    {
        _lanes = lanes;
        _maxBatchSize = maxBatchSize;
        _runAlone = runAlone;
        _runBatch = runBatch;
        _orderKey = orderKey;
        _size = size;
        _maxBatchBytes = maxBatchBytes;
        _detach = detach;
    }

    /// <summary>Runs <paramref name="request"/> alone if a lane is free, else waits for the next batch to carry it.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<TResult> RunAsync(TRequest request, bool isAsync, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        // Copies made for waiting are made outside the lock when the lanes look busy (rarely, inside it when they were not).
        var detached = _detach is null || Volatile.Read(ref _busyLanes) >= _lanes;
        var waitingForm = _detach is not null && detached ? _detach(request) : request;
        PendingOperation<TRequest, TResult>? pending = null;
        lock (_gate)
        {
            if (_busyLanes < _lanes && _waiting.Count == 0)
            {
                _busyLanes++;
            }
            else
            {
                pending = new PendingOperation<TRequest, TResult>(detached ? waitingForm : _detach!(request));
                _waiting.Add(pending);
            }
        }

        if (pending is null)
        {
            try
            {
                return await _runAlone(request, isAsync, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                ReleaseLane();
            }
        }

        try
        {
            var completion = pending.Task.WaitAsync(cancellationToken);
            return isAsync ? await completion.ConfigureAwait(false) : completion.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Withdrawn if no batch has it yet; otherwise its statement goes on for the others, and only this caller stops waiting.
            pending.TryAbandon();
            throw;
        }
    }

    /// <summary>A lane finished: it takes the waiting operations into a batch, or goes idle.</summary>
    private void ReleaseLane()
    {
        var batch = TakeBatchOrRelease();
        if (batch is not null)
        {
            _ = RunBatchesAsync(batch);
        }
    }

    /// <summary>Runs batches on this lane until nothing waits. Never throws: every outcome goes to its caller.</summary>
    private async Task RunBatchesAsync(List<PendingOperation<TRequest, TResult>> batch)
    {
        // Off the thread of the caller whose lane this was: its own result is already on its way.
        await Task.Yield();
        for (var current = batch; current is not null; current = TakeBatchOrRelease())
        {
            await RunBatchAsync(current).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Sends a batch. One operation goes alone; more go as one statement. When that statement fails with anything but a
    /// transient error that survived its retries, the batch is split and each operation sent alone, so a failure that belongs
    /// to one operation (a row a trigger refuses, say) reaches that operation only.
    /// </summary>
    private async Task RunBatchAsync(List<PendingOperation<TRequest, TResult>> batch)
    {
        if (batch.Count > 1)
        {
            try
            {
                await _runBatch(batch).ConfigureAwait(false);
                return;
            }
#pragma warning disable CA1031 // Every exception goes to the callers, one way or the other.
            catch (Exception exception) when (BatchFailure.IsShared(exception))
            {
                foreach (var pending in batch)
                {
                    pending.TrySetException(exception);
                }

                return;
            }
            catch (Exception)
            {
                // Split below: each operation learns its own outcome.
            }
        }

        foreach (var pending in batch)
        {
            if (pending.Task.IsCompleted)
            {
                continue;
            }

            try
            {
                pending.TrySetResult(await _runAlone(pending.Request, true, CancellationToken.None).ConfigureAwait(false));
            }
            catch (Exception exception)
            {
                pending.TrySetException(exception);
            }
#pragma warning restore CA1031
        }
    }

    private List<PendingOperation<TRequest, TResult>>? TakeBatchOrRelease()
    {
        lock (_gate)
        {
            List<PendingOperation<TRequest, TResult>>? batch = null;
            HashSet<string>? keys = null;
            long bytes = 0;
            for (var i = 0; i < _waiting.Count && (batch?.Count ?? 0) < _maxBatchSize;)
            {
                var pending = _waiting[i];
                var size = _size?.Invoke(pending.Request) ?? 0;
                var key = _orderKey?.Invoke(pending.Request);
                if (batch is not null && (bytes + size > _maxBatchBytes || (key is not null && keys!.Contains(key))))
                {
                    // Too large to join, or a later operation on a key already in this batch: it waits for the next one.
                    i++;
                    continue;
                }

                _waiting.RemoveAt(i);
                if (!pending.TryTake())
                {
                    continue; // Its caller gave up waiting.
                }

                batch ??= [];
                batch.Add(pending);
                bytes += size;
                if (key is not null)
                {
                    (keys ??= new HashSet<string>(StringComparer.Ordinal)).Add(key);
                }

                if (size > _maxBatchBytes)
                {
                    break; // A large operation goes alone.
                }
            }

            if (batch is null)
            {
                _busyLanes--;
            }

            return batch;
        }
    }
}
