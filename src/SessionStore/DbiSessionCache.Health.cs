using Dapper;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using SessionStore.Diagnostics;
using SessionStore.Sql;

namespace SessionStore;

public sealed partial class DbiSessionCache
{
    private volatile Exception? _lastSweepFailure;

    /// <summary>Called by the sweeper after each round: the failure, or <see langword="null"/> after a success.</summary>
    internal void RecordSweepOutcome(Exception? failure) => _lastSweepFailure = failure;

    /// <summary>
    /// Healthy when the server answers and the table has a shape the cache can use; degraded when the last sweep failed;
    /// unhealthy otherwise. The description never contains a key, a value or a connection string.
    /// </summary>
    internal async Task<HealthCheckResult> CheckHealthAsync(HealthStatus failureStatus, CancellationToken cancellationToken)
    {
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var binding = await _binder.BindAsync(isAsync: true, cancellationToken).ConfigureAwait(false);
            await _executor.RunAsync(
                0,
                static async (connection, _, _, cancellationToken) =>
                    await connection.ExecuteScalarAsync<long>(new CommandDefinition(SqlStatements.Ping, cancellationToken: cancellationToken)).ConfigureAwait(false),
                isAsync: true,
                cancellationToken).ConfigureAwait(false);
            await RefreshEstimatedEntriesAsync(cancellationToken).ConfigureAwait(false);
            var data = new Dictionary<string, object>
            {
                ["table"] = _tableName,
                ["layout"] = binding.Shape.Layout.Expiry.ToString(),
                ["dialect"] = binding.Statements.Dialect.ToString(),
                ["estimatedEntries"] = EstimatedEntries,
            };
            if (_lastSweepFailure is { } failure)
            {
                return HealthCheckResult.Degraded(
                    $"Table '{_tableName}' answers, but the last sweep of expired entries failed: {failure.GetType().Name}.", failure, data);
            }

            return HealthCheckResult.Healthy($"Table '{_tableName}' answers and has a usable shape ({binding.Shape.Layout.Expiry}).", data);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
#pragma warning disable CA1031 // A health check reports every failure as a result; it does not throw.
        catch (Exception ex)
#pragma warning restore CA1031
        {
            return new HealthCheckResult(failureStatus, $"Table '{_tableName}' is not usable: {ex.GetType().Name}: {ex.Message}", ex);
        }
    }

    private async ValueTask RefreshEstimatedEntriesAsync(CancellationToken cancellationToken)
    {
        var estimate = await _executor.RunAsync(
            (Schema: _table.Database, Table: _table.Table),
            static async (connection, state, _, cancellationToken) => await connection.ExecuteScalarAsync<long>(new CommandDefinition(
                SqlStatements.EstimateRows, new { schema = state.Schema, table = state.Table }, cancellationToken: cancellationToken)).ConfigureAwait(false),
            isAsync: true,
            cancellationToken).ConfigureAwait(false);
        _estimatedEntries.Update(estimate);
    }
}
