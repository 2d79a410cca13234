namespace SessionStore.DancerTests;

/// <summary>
/// Holds one request of the .NET app between reading its session and saving it, so a test can let the Perl app write in
/// between: the request signals <see cref="Reached"/> and waits for <see cref="Open"/>.
/// </summary>
internal sealed class Gate
{
    private readonly TaskCompletionSource _reached = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _opened = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the request has read its session and waits.</summary>
    public Task Reached => _reached.Task;

    public void Open() => _opened.TrySetResult();

    /// <summary>Called by the request: signals that it waits, and waits (at most 30 seconds).</summary>
    public async Task PassAsync(CancellationToken cancellationToken)
    {
        _reached.TrySetResult();
        await _opened.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
    }
}
