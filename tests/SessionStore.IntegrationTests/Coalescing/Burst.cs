namespace SessionStore.IntegrationTests.Coalescing;

/// <summary>
/// Starts many cache calls at once and records each one's own outcome. The calls are issued one after another from one
/// thread without awaiting, so all of them are issued while the first ones are still in flight: the situation in which
/// coalescing gathers operations into one statement. (Each call runs synchronously only up to its first real I/O.)
/// </summary>
internal static class Burst
{
    /// <summary>Runs <paramref name="operation"/> for 0 … <paramref name="count"/> − 1; element i is call i's exception, or null.</summary>
    public static async Task<Exception?[]> RunAsync(int count, Func<int, Task> operation)
    {
        var calls = new Task[count];
        for (var i = 0; i < count; i++)
        {
            calls[i] = Capture(operation, i);
        }

        try
        {
            // A wedged batch must fail the test, not hang it.
            await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (Exception) when (calls.All(call => call.IsCompleted))
        {
            // Some calls failed: their exceptions are read below, one per call.
        }

        return [.. calls.Select(OutcomeOf)];
    }

    /// <summary>The exception a completed call ended with, or null; a cancelled task counts as its cancellation exception.</summary>
    public static Exception? OutcomeOf(Task call) =>
        call.IsCanceled ? new TaskCanceledException(call) : call.Exception?.InnerException;

    // Wraps a call that throws before returning its task, so that such a throw is that call's outcome too.
    private static Task Capture(Func<int, Task> operation, int index)
    {
        try
        {
            return operation(index);
        }
#pragma warning disable CA1031 // The exception is the call's outcome, which the test asserts on.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return Task.FromException(exception);
        }
    }
}
