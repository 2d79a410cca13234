using Dapper;
using Microsoft.Extensions.Logging;
using SessionStore.Connections;
using SessionStore.Sql;

namespace SessionStore.Schema;

/// <summary>
/// Learns the server's dialect and the table's shape on first use (creating the table if asked to), once per cache, and
/// builds the statements for them. A failure is not remembered: the next operation tries again, so a database that was
/// down at startup does not poison the cache.
/// </summary>
internal sealed partial class TableBinder : IDisposable
{
    private readonly ConnectionSource _connections;
    private readonly TableName _table;
    private readonly ColumnNames _columnNames;
    private readonly DbiSessionKeyStorage _keyStorage;
    private readonly bool _createTableIfMissing;
    private readonly bool _causalReads;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _lock = new(1, 1);
    private TableBinding? _binding;

    public TableBinder(DbiSessionCacheOptions options, TableName table, ConnectionSource connections, ILogger logger)
    {
        _connections = connections;
        _table = table;
        _columnNames = ColumnNames.From(options);
        _keyStorage = options.KeyStorage;
        _createTableIfMissing = options.CreateTableIfMissing;
        _causalReads = options.CausalReads;
        _logger = logger;
    }

    /// <summary>The binding, once the first operation has made it; <see langword="null"/> before.</summary>
    public TableBinding? Current => _binding;

    public async ValueTask<TableBinding> BindAsync(bool isAsync, CancellationToken cancellationToken)
    {
        if (_binding is { } bound)
        {
            return bound;
        }

        if (isAsync)
        {
            await _lock.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _lock.Wait(cancellationToken);
        }

        try
        {
            return _binding ??= await ReadTableAsync(isAsync, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _lock.Release();
        }
    }

    public void Dispose() => _lock.Dispose();

    private async ValueTask<TableBinding> ReadTableAsync(bool isAsync, CancellationToken cancellationToken)
    {
        var connection = await _connections.OpenAsync(isAsync, cancellationToken).ConfigureAwait(false);
        try
        {
            var dialect = SqlDialectDetector.FromServerVersion(connection.ServerVersion);
            var (columns, limits) = await TableDescription.ReadAsync(connection, _table, isAsync, cancellationToken).ConfigureAwait(false);
            var causalReads = _causalReads
                ? await ClusterMembership.ChooseCausalReadsAsync(connection, limits, isAsync, cancellationToken).ConfigureAwait(false)
                : CausalReads.None;
            if (columns.Count == 0)
            {
                if (!_createTableIfMissing)
                {
                    throw new InvalidOperationException(
                        $"The table '{_table}' does not exist in database '{_table.Database ?? limits.CurrentDatabase}'. Create it with " +
                        "schema/mysql/001_create_sessions.sql, or set CreateTableIfMissing = true if the connection's user may run DDL.");
                }

                var create = new CommandDefinition(SqlStatements.CreateTableDdl(_table), cancellationToken: cancellationToken);
                _ = isAsync ? await connection.ExecuteAsync(create).ConfigureAwait(false) : connection.Execute(create);
                LogTableCreated(_logger, _table);
                (columns, limits) = await TableDescription.ReadAsync(connection, _table, isAsync, cancellationToken).ConfigureAwait(false);
            }

            var shape = TableShape.FromColumns(_table, columns, limits.MaxAllowedPacket, _columnNames, _keyStorage);
            var statements = new SqlStatements(_table, dialect, shape.Layout, causalReads);
            LogTableBound(_logger, _table, shape.Layout.Expiry, shape.Reason, dialect, shape.DataCapacity, shape.MaxAllowedPacket);
            return new TableBinding(statements, shape);
        }
        finally
        {
            await ConnectionSource.CloseAsync(connection, isAsync).ConfigureAwait(false);
        }
    }

    // Event ids 1000-1099: table binding (see DbiSessionCache.Log.cs for the ranges).
    [LoggerMessage(EventId = 1000, EventName = "TableBound", Level = LogLevel.Information,
        Message = "DbiSessionCache uses table {Table} in {ExpiryMode} mode because {Reason} ({Dialect} dialect; values up to {DataCapacity} bytes, server max_allowed_packet {MaxAllowedPacket} bytes)")]
    private static partial void LogTableBound(ILogger logger, TableName table, ExpiryMode expiryMode, string reason, SqlDialect dialect, long dataCapacity, long maxAllowedPacket);

    [LoggerMessage(EventId = 1001, EventName = "TableCreated", Level = LogLevel.Information,
        Message = "DbiSessionCache created the missing table {Table} (CreateTableIfMissing is on)")]
    private static partial void LogTableCreated(ILogger logger, TableName table);
}
