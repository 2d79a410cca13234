namespace SessionStore.Dispatch;

/// <summary>
/// One caller's operation waiting in a <see cref="CoalescingQueue{TRequest, TResult}"/>: what it asks, and where its own
/// result or exception goes. Continuations run on the thread pool, so the statement that completes a batch never runs its
/// callers' code.
/// </summary>
internal sealed class PendingOperation<TRequest, TResult>(TRequest request)
    : TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously)
{
    private const int Waiting = 0;
    private const int Taken = 1;
    private const int Abandoned = 2;

    private int _state;

    public TRequest Request { get; } = request;

    /// <summary>Claims the operation for a batch; false when its caller gave up waiting first.</summary>
    public bool TryTake() => Interlocked.CompareExchange(ref _state, Taken, Waiting) == Waiting;

    /// <summary>Withdraws the operation before a batch takes it; false when a batch has it already (it then runs to the end).</summary>
    public bool TryAbandon() => Interlocked.CompareExchange(ref _state, Abandoned, Waiting) == Waiting;
}
