using System.Runtime.CompilerServices;
using MySqlConnector;

namespace SessionStore.Connections;

/// <summary>
/// Runs a statement on a connection from a <see cref="ConnectionSource"/>, retrying what <see cref="TransientErrors"/>
/// calls transient on a fresh connection. The cache and the key ring both send their statements through one of these.
/// </summary>
/// <param name="connections">Where connections come from.</param>
/// <param name="onRetry">Told of each retry (the error and the attempt that failed), for logs and metrics.</param>
internal sealed class RetryingExecutor(ConnectionSource connections, Action<MySqlErrorCode, int> onRetry)
{
    /// <summary>Where the connections come from; for work that must not be retried as a whole (a lock held across statements).</summary>
    public ConnectionSource Connections { get; } = connections;

    /// <summary>
    /// Runs <paramref name="operation"/> on an open connection and closes it. <paramref name="isAsync"/> chooses real
    /// synchronous or asynchronous I/O all the way down, as MySqlConnector's own IOBehavior does; the operation receives it.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<TResult> RunAsync<TState, TResult>(
        TState state,
        Func<MySqlConnection, TState, bool, CancellationToken, ValueTask<TResult>> operation,
        bool isAsync,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var staleConnections = 0;
        for (var attempt = 1; ; attempt++)
        {
            MySqlConnection? connection = null;
            var retryAtOnce = false;
            try
            {
                connection = await Connections.OpenAsync(isAsync, cancellationToken).ConfigureAwait(false);
                return await operation(connection, state, isAsync, cancellationToken).ConfigureAwait(false);
            }
            catch (MySqlException ex) when (TransientErrors.IsBrokenConnection(ex, connection) && ++staleConnections <= TransientErrors.MaxStaleConnections)
            {
                // A pooled connection the server dropped while it sat idle (a restart, a failover, wait_timeout, a KILL):
                // the pool hands them out without a check, most recent first, so after an outage there may be as many as
                // the pool held. Each is discarded on failure, so draw the next at once, without counting it as an attempt.
                onRetry(ex.ErrorCode, attempt);
                retryAtOnce = true;
                attempt--;
            }
            catch (MySqlException ex) when (attempt < TransientErrors.MaxAttemptsFor(ex) && TransientErrors.IsTransient(ex))
            {
                onRetry(ex.ErrorCode, attempt);
            }
            finally
            {
                if (connection is not null)
                {
                    await ConnectionSource.CloseAsync(connection, isAsync).ConfigureAwait(false);
                }
            }

            if (!retryAtOnce)
            {
                await TransientErrors.PauseBeforeRetry(attempt, isAsync, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
