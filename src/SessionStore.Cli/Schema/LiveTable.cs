using Dapper;
using MySqlConnector;
using SessionStore.Sql;

namespace SessionStore.Cli.Schema;

/// <summary>
/// A table as the server describes it: the columns and limits the cache reads (<see cref="TableDescription"/>), plus the
/// engine, the indexes and the auto-updated columns, which only the tool needs.
/// </summary>
internal sealed class LiveTable
{
    private readonly HashSet<string> _autoUpdatedColumns;

    private LiveTable(
        TableName name,
        IReadOnlyList<ColumnDescription> columns,
        ServerLimits limits,
        string serverVersion,
        string? engine,
        IReadOnlyList<IndexColumn> indexes,
        IEnumerable<string> autoUpdatedColumns)
    {
        Name = name;
        Columns = columns;
        Limits = limits;
        ServerVersion = serverVersion;
        Engine = engine;
        Indexes = indexes;
        _autoUpdatedColumns = new HashSet<string>(autoUpdatedColumns, StringComparer.OrdinalIgnoreCase);
    }

    public TableName Name { get; }

    public IReadOnlyList<ColumnDescription> Columns { get; }

    public ServerLimits Limits { get; }

    public string ServerVersion { get; }

    public SqlDialect Dialect => SqlDialectDetector.FromServerVersion(ServerVersion);

    public string? Engine { get; }

    public IReadOnlyList<IndexColumn> Indexes { get; }

    public bool Exists => Columns.Count > 0;

    public string Database => Name.Database ?? Limits.CurrentDatabase ?? "";

    public bool IsMemoryEngine => string.Equals(Engine, "MEMORY", StringComparison.OrdinalIgnoreCase);

    /// <summary>For messages: <c>'sessions' in database 'app' (server 10.11.6-MariaDB)</c>.</summary>
    public string Title => $"'{Name.Table}' in database '{Database}' (server {DisplayVersion})";

    /// <summary>The version without the "5.5.5-" that MariaDB puts first for the sake of old replication clients.</summary>
    private string DisplayVersion => ServerVersion.StartsWith("5.5.5-", StringComparison.Ordinal) ? ServerVersion[6..] : ServerVersion;

    public static async Task<LiveTable> ReadAsync(MySqlConnection connection, TableName table, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(table);
        var (columns, limits) = await TableDescription.ReadAsync(connection, table, isAsync: true, cancellationToken).ConfigureAwait(false);
        var extras = new CommandDefinition(
            CliStatements.DescribeTableExtras, new { schema = table.Database, table = table.Table }, cancellationToken: cancellationToken);
        using var results = await connection.QueryMultipleAsync(extras).ConfigureAwait(false);
        var engine = await results.ReadFirstOrDefaultAsync<string?>().ConfigureAwait(false);
        var indexes = (await results.ReadAsync<IndexColumn>().ConfigureAwait(false)).AsList();
        var autoUpdated = await results.ReadAsync<string>().ConfigureAwait(false);
        return new LiveTable(table, columns, limits, connection.ServerVersion, engine, indexes, autoUpdated);
    }

    public ColumnDescription? Column(string name) =>
        Columns.FirstOrDefault(c => string.Equals(c.ColumnName, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether the server sets the column on every UPDATE (<c>ON UPDATE CURRENT_TIMESTAMP</c>).</summary>
    public bool IsAutoUpdated(string column) => _autoUpdatedColumns.Contains(column);

    /// <summary>Whether the column alone is the primary key or a unique key: what the cache's upsert relies on.</summary>
    public bool IsUniqueKey(string column) => Indexes
        .Where(i => i.IsUnique)
        .GroupBy(i => i.IndexName, StringComparer.Ordinal)
        .Any(index => index.Count() == 1 && string.Equals(index.First().ColumnName, column, StringComparison.OrdinalIgnoreCase));

    /// <summary>Whether an index starts with the column, so that a range on it is an index range.</summary>
    public bool HasIndexLeadingWith(string column) =>
        Indexes.Any(i => i.Position == 1 && string.Equals(i.ColumnName, column, StringComparison.OrdinalIgnoreCase));

    /// <summary>The layout the cache would settle on, exactly as it does; throws <see cref="InvalidOperationException"/> listing the defects.</summary>
    public TableShape Shape(ColumnNames names, DbiSessionKeyStorage keyStorage) =>
        TableShape.FromColumns(Name, Columns, Limits.MaxAllowedPacket, names, keyStorage);
}
