using Grpc.Core;
using SessionStore.Connections;

namespace SessionStore.Etcd.Connections;

/// <summary>
/// The one retry loop of the etcd store, for the cache and the key ring: each attempt gets its own deadline (so a request to
/// a dead member ends and is retried on another), what <see cref="EtcdTransientErrors"/> calls transient is retried with the
/// MySQL store's pauses (<see cref="TransientErrors.PauseBeforeRetry"/>), everything else surfaces. Every request the store
/// sends is idempotent, so a retry cannot apply anything twice.
/// </summary>
/// <param name="deadline">The per-attempt deadline.</param>
/// <param name="onRetry">Told of each retry (the error and the attempt that failed), for logs and metrics.</param>
internal sealed class EtcdRetry(EtcdRequestDeadline deadline, Action<RpcException, int> onRetry)
{
    /// <summary>Runs <paramref name="call"/> (given isAsync, this attempt's deadline and the token) until it succeeds or fails for good.</summary>
    public async ValueTask<T> RunAsync<T>(Func<bool, DateTime?, CancellationToken, ValueTask<T>> call, bool isAsync, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call(isAsync, deadline.FromNow(), cancellationToken).ConfigureAwait(false);
            }
            catch (RpcException ex) when (ex.StatusCode == StatusCode.Cancelled && cancellationToken.IsCancellationRequested)
            {
                throw new OperationCanceledException("The etcd request was canceled.", ex, cancellationToken);
            }
            catch (RpcException ex) when (!cancellationToken.IsCancellationRequested && attempt < EtcdTransientErrors.MaxAttemptsFor(ex) && EtcdTransientErrors.IsTransient(ex))
            {
                onRetry(ex, attempt);
            }

            await TransientErrors.PauseBeforeRetry(attempt, isAsync, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// <see cref="RunAsync{T}"/> for a synchronous call: with isAsync false every await completes at once (the pause is a
    /// synchronous sleep), so this never blocks on pending work.
    /// </summary>
    public T Run<T>(Func<DateTime?, T> call) =>
        RunAsync((_, until, _) => new ValueTask<T>(call(until)), isAsync: false, CancellationToken.None).AsTask().GetAwaiter().GetResult();
}
