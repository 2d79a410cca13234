using static SessionStore.Sql.SessionColumns;

namespace SessionStore.Sql;

/// <summary>
/// Every SQL statement the cache sends, built once per table, layout and dialect. Identifiers are validated and quoted; every
/// value is a parameter (the names below). Instants are computed by the caller from its <see cref="TimeProvider"/> and passed
/// in, so the server's clock and time zone never matter.
/// </summary>
internal sealed class SqlStatements
{
    public const string IdParameter = "@id";
    public const string NowParameter = "@now";
    public const string DataParameter = "@data";
    public const string ExpiresAtParameter = "@expires_at";
    public const string SlidingWindowParameter = "@sliding_window_us";
    public const string AbsoluteDeadlineParameter = "@absolute_expires_at";
    public const string ThresholdParameter = "@threshold";
    public const string NewIdParameter = "@new_id";
    public const string BatchSizeParameter = "@batch_size";
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

    /// <summary>The largest DATETIME(6) value: the cap used when an extension would run past it.</summary>
    private const string MaxDateTime = "'9999-12-31 23:59:59.999999'";

    public SqlStatements(TableName table, SqlDialect dialect, TableLayout layout, CausalReads causalReads = CausalReads.None)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(layout);
        Table = table;
        Dialect = dialect;
        Layout = layout;
        var t = table.Quoted;
        var id = SqlIdentifier.Quote(layout.IdColumn);
        var data = SqlIdentifier.Quote(layout.DataColumn);
        var lastActive = SqlIdentifier.Quote(layout.LastActiveColumn);

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

        string select, refresh;
        string? expired = null;
        List<(string Column, string Parameter)> written = [(layout.IdColumn, IdParameter), (layout.DataColumn, DataParameter)];
        switch (layout.Expiry)
        {
            case ExpiryMode.ExpiryColumns:
            {
                var expiresAt = SqlIdentifier.Quote(ExpiresAt);
                var sliding = SqlIdentifier.Quote(SlidingWindowMicroseconds);
                var deadline = SqlIdentifier.Quote(AbsoluteDeadline);

                // The sliding window from now, capped by the absolute deadline (and by the end of DATETIME).
                var extended = $"LEAST(COALESCE(DATE_ADD({NowParameter}, INTERVAL {sliding} MICROSECOND), {MaxDateTime}), COALESCE({deadline}, {MaxDateTime}))";

                // Lazy sliding: extend only once the remaining time has fallen below (1 - threshold) of the window, and only
                // when the extension would move the expiry at all. Most reads therefore match no row and write nothing.
                var due = $"""
                    {expiresAt} < LEAST(COALESCE(DATE_ADD({NowParameter}, INTERVAL CAST({sliding} * (1 - {ThresholdParameter}) AS SIGNED) MICROSECOND), {MaxDateTime}),
                        COALESCE({deadline}, {MaxDateTime}))
                    """;
                refresh = $"""
                    UPDATE {t} SET {lastActive} = {NowParameter}, {expiresAt} = {extended}
                      WHERE {id} = {IdParameter} AND {expiresAt} > {NowParameter} AND {sliding} IS NOT NULL AND {due};
                    """;

                select = $"SELECT {data}, {sliding}, {expiresAt}, {deadline} FROM {t} WHERE {id} = {IdParameter} AND {expiresAt} > {NowParameter};";
                written.AddRange([
                    (layout.LastActiveColumn, NowParameter), (ExpiresAt, ExpiresAtParameter),
                    (SlidingWindowMicroseconds, SlidingWindowParameter), (AbsoluteDeadline, AbsoluteDeadlineParameter)]);
                ChangeId = $"UPDATE {t} SET {id} = {NewIdParameter}, {lastActive} = {NowParameter} WHERE {id} = {IdParameter} AND {expiresAt} > {NowParameter};";

                // Oldest first through the expires_at index, a small batch at a time, so no delete holds locks for long.
                PurgeExpired = $"DELETE FROM {t} WHERE {expiresAt} <= {NowParameter} ORDER BY {expiresAt} LIMIT {BatchSizeParameter};";
                expired = $"{expiresAt} <= {NowParameter}";
                break;
            }

            case ExpiryMode.LastActive:
            {
                // Every entry slides by the one window the cache is configured with, from last_active.
                var live = $"{lastActive} > DATE_SUB({NowParameter}, INTERVAL {SlidingWindowParameter} MICROSECOND)";
                var due = $"{lastActive} < DATE_SUB({NowParameter}, INTERVAL CAST({SlidingWindowParameter} * {ThresholdParameter} AS SIGNED) MICROSECOND)";
                refresh = $"UPDATE {t} SET {lastActive} = {NowParameter} WHERE {id} = {IdParameter} AND {live} AND {due};";
                select = $"SELECT {data}, CAST({SlidingWindowParameter} AS SIGNED), {lastActive}, NULL FROM {t} WHERE {id} = {IdParameter} AND {live};";
                written.Add((layout.LastActiveColumn, NowParameter));
                ChangeId = $"UPDATE {t} SET {id} = {NewIdParameter}, {lastActive} = {NowParameter} WHERE {id} = {IdParameter} AND {live};";
                expired = $"{lastActive} <= DATE_SUB({NowParameter}, INTERVAL {SlidingWindowParameter} MICROSECOND)";
                PurgeExpired = $"DELETE FROM {t} WHERE {expired} LIMIT {BatchSizeParameter};";
                break;
            }

            default:
                refresh = "";
                select = $"SELECT {data}, NULL, NULL, NULL FROM {t} WHERE {id} = {IdParameter};";
                ChangeId = $"UPDATE {t} SET {id} = {NewIdParameter} WHERE {id} = {IdParameter};";
                break;
        }

        Select = session + waitForCluster + select;

        // One round trip: the statements go in one COM_QUERY. The UPDATE slides the entry if due; the SELECT then returns it.
        ExtendAndSelect = session + waitForCluster + (refresh.Length == 0 ? select : refresh + "\n" + select);
        Refresh = refresh.Length == 0 ? null : session + refresh;
        ChangeId = session + ChangeId;
        Set = session + Upsert(t, dialect, written);
        Remove = $"DELETE FROM {t} WHERE {id} = {IdParameter};";
        if (PurgeExpired is not null)
        {
            PurgeExpired = session + PurgeExpired;
        }

        var activity = layout.Expiry == ExpiryMode.None ? "NULL" : lastActive;
        Statistics = session + $"""
            SELECT COUNT(*) AS TotalRows, CAST(COALESCE(SUM({expired ?? "FALSE"}), 0) AS SIGNED) AS ExpiredRows,
                   CAST(COALESCE(SUM(LENGTH({data})), 0) AS SIGNED) AS DataBytes,
                   MIN({activity}) AS OldestActivity, MAX({activity}) AS NewestActivity
              FROM {t};
            """;
    }

    public TableName Table { get; }

    public SqlDialect Dialect { get; }

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

    private static string Upsert(string table, SqlDialect dialect, List<(string Column, string Parameter)> written)
    {
        var columns = string.Join(", ", written.Select(w => SqlIdentifier.Quote(w.Column)));
        var values = string.Join(", ", written.Select(w => w.Parameter));
        var updated = written.Skip(1).Select(w => SqlIdentifier.Quote(w.Column));
        return dialect == SqlDialect.MySql
            ? $"INSERT INTO {table} ({columns}) VALUES ({values}) AS new\n  ON DUPLICATE KEY UPDATE {string.Join(", ", updated.Select(c => $"{c} = new.{c}"))};"
            : $"INSERT INTO {table} ({columns}) VALUES ({values})\n  ON DUPLICATE KEY UPDATE {string.Join(", ", updated.Select(c => $"{c} = VALUES({c})"))};";
    }
}
