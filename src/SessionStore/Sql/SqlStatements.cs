using System.Globalization;
using SessionStore.Expiry;
using static SessionStore.Sql.SessionColumns;

namespace SessionStore.Sql;

/// <summary>
/// Every SQL statement the cache sends, built once per table, layout and dialect. Identifiers are validated and quoted; every
/// value is a parameter (the names below). Instants are computed by the caller from its <see cref="TimeProvider"/> and passed
/// in, so the server's clock and time zone never matter.
/// </summary>
internal sealed class SqlStatements
{
    /// <summary>The stored id (key or its digest).</summary>
    public const string IdParameter = "@id";
    /// <summary>The caller's now, UTC, truncated to the microsecond.</summary>
    public const string NowParameter = "@now";
    /// <summary>The value bytes (Base64 text for a text data column).</summary>
    public const string DataParameter = "@data";
    /// <summary>The instant a written entry expires.</summary>
    public const string ExpiresAtParameter = "@expires_at";
    /// <summary>The sliding window in microseconds: the entry's on write, the configured default for a last_active table.</summary>
    public const string SlidingWindowParameter = "@sliding_window_us";
    /// <summary>The absolute deadline of a written entry, or NULL.</summary>
    public const string AbsoluteDeadlineParameter = "@absolute_expires_at";
    /// <summary>The share of the window that must pass before an extension (see ExtensionRule).</summary>
    public const string ThresholdParameter = "@threshold";
    /// <summary>The id an entry moves to.</summary>
    public const string NewIdParameter = "@new_id";
    /// <summary>How many expired rows one purge statement deletes at most.</summary>
    public const string BatchSizeParameter = "@batch_size";
    /// <summary>The name of the farm-wide sweep lock.</summary>
    public const string LockNameParameter = "@lock_name";

    /// <summary>Takes the farm-wide sweep lock without waiting: 1 if taken, 0 if another session holds it.</summary>
    public const string TryTakeSweepLock = "SELECT GET_LOCK(@lock_name, 0);";

    /// <summary>InnoDB's estimate of a table's rows: cheap (no scan), approximate. Parameters: @schema (null for the connection's database), @table.</summary>
    public const string EstimateRows = """
        SELECT CAST(COALESCE(TABLE_ROWS, 0) AS SIGNED) FROM INFORMATION_SCHEMA.TABLES
          WHERE TABLE_SCHEMA = COALESCE(@schema, DATABASE()) AND TABLE_NAME = @table;
        """;

    /// <summary>The cheapest round trip, for health checks.</summary>
    public const string Ping = "SELECT 1;";

    /// <summary>Releases the sweep lock; it is also released when the connection closes.</summary>
    public const string ReleaseSweepLock = "DO RELEASE_LOCK(@lock_name);";

    private readonly StatementsByCount _selectMany;
    private readonly StatementsByCount? _refreshMany;
    private readonly StatementsByCount _setMany;
    private readonly StatementsByCount _removeMany;

    /// <summary>Builds every statement for <paramref name="table"/>; <paramref name="causalReads"/> applies to the reads only.</summary>
    public SqlStatements(TableName table, SqlDialect dialect, TableLayout layout, CausalReads causalReads = CausalReads.None)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(layout);
        Table = table;
        Dialect = dialect;
        Layout = layout;

        // The pieces a layout or dialect changes; everything else below is literal SQL. The parameter names in the text are
        // the constants above (SqlStatementsTests checks that no statement uses another).
        var t = table.Quoted;
        var id = SqlIdentifier.Quote(layout.IdColumn);
        var data = SqlIdentifier.Quote(layout.DataColumn);
        var lastActive = SqlIdentifier.Quote(layout.LastActiveColumn);
        var expiresAt = SqlIdentifier.Quote(ExpiresAt);
        var sliding = SqlIdentifier.Quote(SlidingWindowMicroseconds);
        var deadline = SqlIdentifier.Quote(AbsoluteDeadline);

        // TIMESTAMP columns are stored in UTC but read and written in the session's time zone (MySQL manual, "The DATE,
        // DATETIME, and TIMESTAMP Types"): pin it to UTC, which is what the parameters are. DATETIME columns need nothing.
        var session = layout.UsesTimestampColumns ? "SET time_zone = '+00:00';\n" : "";

        // Causal reads on a cluster: the read waits until this node has applied every write the cluster committed before it.
        var waitForCluster = causalReads switch
        {
            CausalReads.Galera => "SET SESSION wsrep_sync_wait = 1;\n",
            CausalReads.GroupReplication => "SET SESSION group_replication_consistency = 'BEFORE';\n",
            _ => "",
        };

        // Per layout: what a read returns besides the data (see Select), the instant and window the extension rule reads,
        // and when a row is live or expired. A last_active table slides every entry by the one window the cache is
        // configured with; a table without expiry keeps everything.
        var (expiryOfRow, expiryInstant, window, live, expired) = layout.Expiry switch
        {
            ExpiryMode.ExpiryColumns => (
                $"{sliding}, {expiresAt}, {deadline}", expiresAt, sliding,
                $"{expiresAt} > @now",
                $"{expiresAt} <= @now"),
            ExpiryMode.LastActive => (
                $"CAST(@sliding_window_us AS SIGNED), {lastActive}, NULL", lastActive, "@sliding_window_us",
                $"{lastActive} > DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND)",
                $"{lastActive} <= DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND)"),
            _ => ("NULL, NULL, NULL", null, null, null, null),
        };
        var andLive = live is null ? "" : $" AND {live}";
        var stampLastActive = layout.Expiry == ExpiryMode.None ? "" : $", {lastActive} = @now";

        var select = $"SELECT {data}, {expiryOfRow} FROM {t} WHERE {id} = @id{andLive};";
        Select = $"{session}{waitForCluster}{select}";
        ReadExpiry = live is null ? null : $"{session}{waitForCluster}SELECT {expiryOfRow} FROM {t} WHERE {id} = @id{andLive};";

        // The coalesced forms (see Dispatch/): the same statements over a list of ids, returning the id with each row.
        _selectMany = new StatementsByCount(n => $"{session}{waitForCluster}SELECT {id}, {data}, {expiryOfRow} FROM {t} WHERE {id} IN ({IdList(n)}){andLive};");
        _removeMany = new StatementsByCount(n => $"DELETE FROM {t} WHERE {id} IN ({IdList(n)});");
        _setMany = new StatementsByCount(n => $"{session}{Upsert(t, dialect, layout, n)}");

        // Lazy sliding, as ExtensionRule states it: the UPDATE extends a live entry only when it is due, so most reads match
        // no row and write nothing. The id condition is "= @id" alone, "IN (@id0, …)" coalesced.
        string? RefreshStatement(string ids)
        {
            if (expiryInstant is null || window is null)
            {
                return null;
            }

            var due = ExtensionRule.SqlCondition(layout.Expiry, expiryInstant, window, deadline);
            var extended = ExtensionRule.SqlExtendedExpiry(layout.Expiry, window, deadline);
            return layout.Expiry == ExpiryMode.ExpiryColumns
                ? $"""
                    UPDATE {t} SET {lastActive} = @now, {expiresAt} = {extended}
                      WHERE {id} {ids} AND {live} AND {due};
                    """
                : $"UPDATE {t} SET {lastActive} = {extended} WHERE {id} {ids} AND {live} AND {due};";
        }

        var refresh = RefreshStatement("= @id");
        if (refresh is not null)
        {
            _refreshMany = new StatementsByCount(n => $"{session}{RefreshStatement($"IN ({IdList(n)})")}");
        }

        ExtendAndSelect = refresh is null ? Select : $"{session}{waitForCluster}{refresh}\n{select}";
        Refresh = refresh is null ? null : $"{session}{refresh}";
        Set = $"{session}{Upsert(t, dialect, layout, 0)}";
        Remove = $"DELETE FROM {t} WHERE {id} = @id;";
        ChangeId = $"{session}UPDATE {t} SET {id} = @new_id{stampLastActive} WHERE {id} = @id{andLive};";

        // Oldest first through the expires_at index, a small batch at a time, so no delete holds locks for long.
        PurgeExpired = layout.Expiry switch
        {
            ExpiryMode.ExpiryColumns => $"{session}DELETE FROM {t} WHERE {expired} ORDER BY {expiresAt} LIMIT @batch_size;",
            ExpiryMode.LastActive => $"{session}DELETE FROM {t} WHERE {expired} LIMIT @batch_size;",
            _ => null,
        };

        var activity = layout.Expiry == ExpiryMode.None ? "NULL" : lastActive;
        Statistics = $"""
            {session}SELECT COUNT(*) AS TotalRows, CAST(COALESCE(SUM({expired ?? "FALSE"}), 0) AS SIGNED) AS ExpiredRows,
                   CAST(COALESCE(SUM(LENGTH({data})), 0) AS SIGNED) AS DataBytes,
                   MIN({activity}) AS OldestActivity, MAX({activity}) AS NewestActivity
              FROM {t};
            """;
    }

    /// <summary>The table every statement names.</summary>
    public TableName Table { get; }

    /// <summary>The server family, which decides the form of <see cref="Set"/>.</summary>
    public SqlDialect Dialect { get; }

    /// <summary>The columns the statements use and where expiry lives.</summary>
    public TableLayout Layout { get; }

    /// <summary>
    /// Selects a live entry: its data, its sliding window in microseconds (or NULL), the instant its expiry is judged by
    /// (<c>expires_at</c>, or <c>last_active</c> in <see cref="ExpiryMode.LastActive"/>, or NULL) and its absolute deadline (or
    /// NULL). A plain primary-key SELECT: what most reads send. Parameters: id, now (and sliding_window_us in
    /// <see cref="ExpiryMode.LastActive"/>).
    /// </summary>
    public string Select { get; }

    /// <summary>
    /// <see cref="Refresh"/> then <see cref="Select"/> in one batch: for a read that is known to be due for an extension.
    /// Parameters: as both.
    /// </summary>
    public string ExtendAndSelect { get; }

    /// <summary>
    /// Slides a live sliding entry that is due, stamping the last-activity column; <see langword="null"/> when the table has
    /// no expiry (nothing to refresh). Parameters: id, now, threshold (and sliding_window_us in <see cref="ExpiryMode.LastActive"/>).
    /// </summary>
    public string? Refresh { get; }

    /// <summary>
    /// Inserts or replaces an entry. Parameters: id, data, and (by layout) now, expires_at, sliding_window_us, absolute_expires_at.
    /// </summary>
    public string Set { get; }

    /// <summary>Deletes an entry; a missing one is not an error. Parameters: id.</summary>
    public string Remove { get; }

    /// <summary>
    /// Reads what a Refresh decides by: a live entry's sliding window, expiry instant and deadline, as <see cref="Select"/>
    /// returns them, without the data. A SELECT costs the server far less than an UPDATE that matches nothing, and most
    /// refreshes have nothing to do. <see langword="null"/> when the table keeps no expiry. Parameters: as <see cref="Select"/>.
    /// </summary>
    public string? ReadExpiry { get; }

    /// <summary>
    /// <see cref="Select"/> over <paramref name="count"/> ids, each row led by its id. Parameters: id0 … id(count − 1), now
    /// (and sliding_window_us in <see cref="ExpiryMode.LastActive"/>).
    /// </summary>
    public string SelectMany(int count) => _selectMany.For(count);

    /// <summary><see cref="Refresh"/> over <paramref name="count"/> ids: each is extended if due, by the same rule.</summary>
    public string? RefreshMany(int count) => _refreshMany?.For(count);

    /// <summary>
    /// <see cref="Set"/> of <paramref name="count"/> rows in one statement. Parameters: per row i, id{i}, data{i} and (by
    /// layout) now{i}, expires_at{i}, sliding_window_us{i}, absolute_expires_at{i}.
    /// </summary>
    public string SetMany(int count) => _setMany.For(count);

    /// <summary><see cref="Remove"/> of <paramref name="count"/> ids in one statement. Parameters: id0 … id(count − 1).</summary>
    public string RemoveMany(int count) => _removeMany.For(count);

    /// <summary>The name of parameter <paramref name="name"/> for row or id <paramref name="index"/> of a coalesced statement.</summary>
    public static string Indexed(string name, int index) => string.Create(CultureInfo.InvariantCulture, $"{name}{index}");

    private static string IdList(int count) => string.Join(", ", Enumerable.Range(0, count).Select(i => Indexed(IdParameter, i)));

    /// <summary>
    /// Deletes up to a batch of expired entries, oldest first where the table has an expiry index; <see langword="null"/>
    /// when the table keeps no expiry. Parameters: now, batch_size (and sliding_window_us in <see cref="ExpiryMode.LastActive"/>).
    /// </summary>
    public string? PurgeExpired { get; }

    /// <summary>
    /// One row: TotalRows, ExpiredRows, DataBytes, OldestActivity, NewestActivity (NULL without a last-activity column).
    /// Parameters: now (and sliding_window_us in <see cref="ExpiryMode.LastActive"/>). Scans the table: for tools, not requests.
    /// </summary>
    public string Statistics { get; }

    /// <summary>Moves a live entry to another id. Parameters: id, new_id, now (and sliding_window_us in <see cref="ExpiryMode.LastActive"/>).</summary>
    public string ChangeId { get; }

    /// <summary>
    /// Reads the table's columns, the server's packet limit and its cluster variables in one round trip. Parameters: @schema
    /// (null for the connection's database) and @table.
    /// </summary>
    public const string DescribeTable = """
        SELECT COLUMN_NAME AS ColumnName, DATA_TYPE AS DataType, CAST(CHARACTER_MAXIMUM_LENGTH AS SIGNED) AS MaximumLength,
               CAST(CHARACTER_OCTET_LENGTH AS SIGNED) AS OctetLength, COLUMN_TYPE AS ColumnType, IS_NULLABLE = 'YES' AS IsNullable,
               COLLATION_NAME AS CollationName
          FROM INFORMATION_SCHEMA.COLUMNS
          WHERE TABLE_SCHEMA = COALESCE(@schema, DATABASE()) AND TABLE_NAME = @table
          ORDER BY ORDINAL_POSITION;
        SELECT CAST(@@max_allowed_packet AS SIGNED) AS MaxAllowedPacket, DATABASE() AS CurrentDatabase;
        SHOW VARIABLES WHERE Variable_name IN ('wsrep_on', 'group_replication_group_name');
        """;

    /// <summary>
    /// This server's state in its replication group (<c>ONLINE</c>, <c>RECOVERING</c>, <c>OFFLINE</c>, <c>ERROR</c>,
    /// <c>UNREACHABLE</c>), or no row when it is in none. Asked only when CausalReads is on and the server names a group.
    /// </summary>
    public const string GroupMemberState = """
        SELECT MEMBER_STATE FROM performance_schema.replication_group_members WHERE MEMBER_ID = @@server_uuid;
        """;

    /// <summary>The DDL for <paramref name="table"/>: numbered schema file 001 is this text for the default table name.</summary>
    public static string CreateTableDdl(TableName table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return $"""
            CREATE TABLE IF NOT EXISTS {table.Quoted} (
              `{Id}` CHAR(40) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
              `{Data}` MEDIUMBLOB NOT NULL,
              `{LastActive}` DATETIME(6) NOT NULL,
              `{ExpiresAt}` DATETIME(6) NOT NULL,
              `{SlidingWindowMicroseconds}` BIGINT NULL,
              `{AbsoluteDeadline}` DATETIME(6) NULL,
              PRIMARY KEY (`{Id}`),
              KEY `ix_{ExpiresAt}` (`{ExpiresAt}`)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
            """;
    }

    /// <summary>
    /// The upsert: the id, the data and, by layout, the expiry columns, all replaced on a duplicate id. The two forms differ
    /// only in how they name the new row's values (see <see cref="SqlDialect"/>).
    /// </summary>
    private static string Upsert(string table, SqlDialect dialect, TableLayout layout, int rows)
    {
        List<(string Column, string Parameter)> written = layout.Expiry switch
        {
            ExpiryMode.ExpiryColumns => [
                (layout.LastActiveColumn, NowParameter), (ExpiresAt, ExpiresAtParameter),
                (SlidingWindowMicroseconds, SlidingWindowParameter), (AbsoluteDeadline, AbsoluteDeadlineParameter)],
            ExpiryMode.LastActive => [(layout.LastActiveColumn, NowParameter)],
            _ => [],
        };
        written.InsertRange(0, [(layout.IdColumn, IdParameter), (layout.DataColumn, DataParameter)]);
        var columns = string.Join(", ", written.Select(w => SqlIdentifier.Quote(w.Column)));
        // One row of plain parameters, or (for the coalesced form) rows whose parameters carry the row's index.
        var values = rows == 0
            ? $"({string.Join(", ", written.Select(w => w.Parameter))})"
            : string.Join(",\n    ", Enumerable.Range(0, rows).Select(i => $"({string.Join(", ", written.Select(w => Indexed(w.Parameter, i)))})"));
        var replaced = written.Skip(1).Select(w => SqlIdentifier.Quote(w.Column)).ToList();
        return dialect == SqlDialect.MySql
            ? $"""
                INSERT INTO {table} ({columns}) VALUES {values} AS new
                  ON DUPLICATE KEY UPDATE {string.Join(", ", replaced.Select(c => $"{c} = new.{c}"))};
                """
            : $"""
                INSERT INTO {table} ({columns}) VALUES {values}
                  ON DUPLICATE KEY UPDATE {string.Join(", ", replaced.Select(c => $"{c} = VALUES({c})"))};
                """;
    }
}
