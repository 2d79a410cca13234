using System.Diagnostics;
using System.Xml;
using System.Xml.Linq;
using Dapper;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using SessionStore.Connections;
using SessionStore.DataProtection.Sql;
using SessionStore.Expiry;
using SqlIdentifier = SessionStore.Sql.SqlIdentifier;
using TableName = SessionStore.Sql.TableName;

namespace SessionStore.DataProtection.Internal;

/// <summary>
/// The Data Protection key ring in a MySQL/MariaDB table, one row per element. The key manager calls it rarely: to read the
/// ring when the app starts and then about once a day, and to store a key when one is created (every 90 days by default) or
/// revoked. Rows are never updated by the key manager, so readers need no locking. Every statement goes through the core's
/// <see cref="RetryingExecutor"/>, so transient errors and dropped pooled connections are retried as the cache's are; each is
/// idempotent (a read, an upsert on the friendly name, <c>CREATE TABLE IF NOT EXISTS</c>), so a retry applies nothing twice.
/// </summary>
internal sealed partial class DbiXmlRepository : IXmlRepository, IDisposable
{
    private const string SchemaFile = "schema/mysql/002_create_dataprotection_keys.sql";
    private const string DefaultTable = "dataprotection_keys";

    private readonly SqlStatements _statements;
    private readonly ConnectionSource _connections;
    private readonly RetryingExecutor _executor;
    private readonly bool _createTableIfMissing;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Lock _tableCheckLock = new();
    private volatile bool _tableChecked;
    private volatile bool _disposed;

    public DbiXmlRepository(DbiXmlRepositoryOptions options, ConnectionSource connections, TimeProvider timeProvider, ILogger<DbiXmlRepository> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _statements = new SqlStatements(TableName.Parse(options.Table));
        _connections = connections;
        _executor = new RetryingExecutor(connections, LogTransientRetry);
        _createTableIfMissing = options.CreateTableIfMissing;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    private TableName Table => _statements.Table;

    /// <inheritdoc />
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var rows = Run(connection =>
        {
            EnsureTable(connection);
            return connection.Query<KeyRow>(new CommandDefinition(_statements.SelectAll)).AsList();
        });
        var elements = new List<XElement>(rows.Count);
        foreach (var row in rows)
        {
            try
            {
                elements.Add(XElement.Parse(row.Xml));
            }
            catch (XmlException ex)
            {
                // One damaged row must not take the whole ring (and with it every server of the farm) down; the key manager
                // then simply does not know that key, as it would not know a key in a damaged file of the file-system store.
                LogUnreadableElementSkipped(ex, row.Id, row.FriendlyName, Table);
            }
        }

        LogElementsRead(elements.Count, Table);
        return elements.AsReadOnly();
    }

    /// <inheritdoc />
    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var storedName = StoredFriendlyName(friendlyName);
        if (!string.Equals(storedName, friendlyName, StringComparison.Ordinal))
        {
            LogFriendlyNameReplaced(storedName, friendlyName?.Length ?? 0);
        }

        var row = new
        {
            friendlyName = storedName,
            xml = element.ToString(SaveOptions.DisableFormatting),
            createdAt = Now(),
        };
        Run(connection =>
        {
            EnsureTable(connection);
            return connection.Execute(new CommandDefinition(_statements.Store, row));
        });
        LogElementStored(storedName, Table);
    }

    /// <summary>Releases the data source the store built from its DSN; a data source from the caller is left alone.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _connections.Dispose();
    }

    /// <summary>
    /// The name the element is stored under: the key manager's own (<c>key-{guid}</c>) when the column can hold it, else a new
    /// unique one. <see cref="IXmlRepository.StoreElement"/> allows a store to ignore the name, and the file-system store
    /// replaces names it cannot use in the same way.
    /// </summary>
    internal static string StoredFriendlyName(string? friendlyName) =>
        string.IsNullOrWhiteSpace(friendlyName) || friendlyName.Length > KeyColumns.FriendlyNameCapacity
            ? "element-" + Guid.NewGuid().ToString("D")
            : friendlyName;

    /// <summary>
    /// Runs <paramref name="statements"/> on an open connection with the core's retries. Synchronous I/O throughout
    /// (<c>isAsync: false</c>) because <see cref="IXmlRepository"/> is synchronous: the key manager calls it synchronously, and
    /// blocking on async I/O would only add a thread-pool hop.
    /// </summary>
    private T Run<T>(Func<MySqlConnection, T> statements)
    {
        var task = _executor.RunAsync(
            statements,
            static (connection, statements, _, _) => ValueTask.FromResult(statements(connection)),
            isAsync: false,
            CancellationToken.None);

        // With isAsync: false every awaited call completed synchronously, so this never blocks on pending work.
        Debug.Assert(task.IsCompleted, "A synchronous key ring operation went asynchronous.");
        return task.GetAwaiter().GetResult();
    }

    /// <summary>
    /// Checks once per store that the table exists with its columns, creating it if asked to. A failure is not remembered: the
    /// next call checks again, so a table created after startup is picked up.
    /// </summary>
    private void EnsureTable(MySqlConnection connection)
    {
        if (_tableChecked)
        {
            return;
        }

        lock (_tableCheckLock)
        {
            if (_tableChecked)
            {
                return;
            }

            var description = Describe(connection);
            if (description.Columns.Count == 0)
            {
                if (!_createTableIfMissing)
                {
                    throw new InvalidOperationException(MissingTableMessage(connection, Table.Database ?? description.CurrentDatabase));
                }

                connection.Execute(new CommandDefinition(_statements.CreateTable));
                LogTableCreated(Table);
                description = Describe(connection);
            }

            var missing = KeyColumns.All.Except(description.Columns, StringComparer.OrdinalIgnoreCase).ToList();
            if (missing.Count > 0)
            {
                throw new InvalidOperationException(
                    $"The Data Protection key table '{Table}' lacks the columns {string.Join(", ", missing.Select(c => $"'{c}'"))}; " +
                    $"it must have the columns of {SchemaFile}.");
            }

            _tableChecked = true;
        }
    }

    /// <summary>
    /// What to run, exactly: INFORMATION_SCHEMA lists only the tables a user has some privilege on, so "missing" may also mean
    /// "not granted", and the fix for both is the schema file (run by a user that may create tables) and one GRANT.
    /// </summary>
    private string MissingTableMessage(MySqlConnection connection, string? database)
    {
        var account = connection.ExecuteScalar<string?>(new CommandDefinition(SqlStatements.CurrentUser));
        var at = account?.LastIndexOf('@') ?? -1;
        var grantee = at < 0 ? "the app's user" : $"'{account![..at]}'@'{account[(at + 1)..]}'";
        var qualified = database is null ? Table.Quoted : $"{SqlIdentifier.Quote(database)}.{SqlIdentifier.Quote(Table.Table)}";
        var renamed = string.Equals(Table.Table, DefaultTable, StringComparison.Ordinal) ? "" : $" with the table renamed to `{Table.Table}`";
        return $"The Data Protection key table '{Table}' does not exist in database '{database}', or {grantee} has no privilege on it " +
            "(the server hides from a user the tables it may not use). " +
            $"As a user that may create tables, run {SchemaFile}{renamed} in database '{database}', then " +
            $"GRANT SELECT, INSERT, UPDATE, DELETE ON {qualified} TO {grantee}; " +
            "or set CreateTableIfMissing = true if the connection's user may run DDL (CREATE on the database).";
    }

    private TableDescription Describe(MySqlConnection connection)
    {
        var describe = new CommandDefinition(SqlStatements.DescribeTable, new { schema = Table.Database, table = Table.Table });
        using var results = connection.QueryMultiple(describe);
        var columns = results.Read<string>().AsList();
        var database = results.ReadSingle<string?>();
        return new TableDescription(columns, database);
    }

    // DATETIME(6) holds microseconds; a DateTime has ticks of 100 ns, which the server would round, possibly up.
    private DateTime Now() => EntryExpiration.Truncate(_timeProvider.GetUtcNow().UtcDateTime);
}
