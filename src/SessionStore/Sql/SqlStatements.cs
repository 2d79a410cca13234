using static SessionStore.Sql.SessionColumns;

namespace SessionStore.Sql;

/// <summary>
/// Every SQL statement the cache sends, built once per table and dialect. Identifiers are validated and quoted; every value is
/// a parameter (the names below). Instants are computed by the caller from its <see cref="TimeProvider"/> and passed in, so
/// the server's clock and time zone never matter.
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

    /// <summary>The largest DATETIME(6) value: the cap used when an extension would run past it.</summary>
    private const string MaxDateTime = "'9999-12-31 23:59:59.999999'";

    public SqlStatements(TableName table, SqlDialect dialect, CausalReads causalReads = CausalReads.None)
    {
        ArgumentNullException.ThrowIfNull(table);
        Table = table;
        Dialect = dialect;
        var t = table.Quoted;
        var id = SqlIdentifier.Quote(Id);
        var data = SqlIdentifier.Quote(Data);
        var lastActive = SqlIdentifier.Quote(LastActive);
        var expiresAt = SqlIdentifier.Quote(ExpiresAt);
        var sliding = SqlIdentifier.Quote(SlidingWindowMicroseconds);
        var deadline = SqlIdentifier.Quote(AbsoluteDeadline);

        // The sliding window from now, capped by the absolute deadline (and by the end of DATETIME).
        var extended = $"LEAST(COALESCE(DATE_ADD({NowParameter}, INTERVAL {sliding} MICROSECOND), {MaxDateTime}), COALESCE({deadline}, {MaxDateTime}))";

        // Lazy sliding: extend only once the remaining time has fallen below (1 - threshold) of the window, and only when
        // the extension would move the expiry at all. Most reads therefore match no row and write nothing.
        var due = $"""
            {expiresAt} < LEAST(COALESCE(DATE_ADD({NowParameter}, INTERVAL CAST({sliding} * (1 - {ThresholdParameter}) AS SIGNED) MICROSECOND), {MaxDateTime}),
                COALESCE({deadline}, {MaxDateTime}))
            """;

        // One round trip: both statements go in one COM_QUERY. The UPDATE slides a sliding entry if due; the SELECT returns
        // the entry if live, with its window so that a Refresh right after this Get can be skipped.
        // Causal reads on a cluster: the read waits until this node has applied every write the cluster committed before it.
        var waitForCluster = causalReads switch
        {
            CausalReads.Galera => "SET SESSION wsrep_sync_wait = 1;\n",
            CausalReads.GroupReplication => "SET SESSION group_replication_consistency = 'BEFORE';\n",
            _ => "",
        };
        Get = waitForCluster + $"""
            UPDATE {t} SET {lastActive} = {NowParameter}, {expiresAt} = {extended}
              WHERE {id} = {IdParameter} AND {expiresAt} > {NowParameter} AND {sliding} IS NOT NULL AND {due};
            SELECT {data}, {sliding} FROM {t} WHERE {id} = {IdParameter} AND {expiresAt} > {NowParameter};
            """;

        Refresh = $"""
            UPDATE {t} SET {lastActive} = {NowParameter}, {expiresAt} = {extended}
              WHERE {id} = {IdParameter} AND {expiresAt} > {NowParameter} AND {sliding} IS NOT NULL AND {due};
            """;

        var insert = $"""
            INSERT INTO {t} ({id}, {data}, {lastActive}, {expiresAt}, {sliding}, {deadline})
              VALUES ({IdParameter}, {DataParameter}, {NowParameter}, {ExpiresAtParameter}, {SlidingWindowParameter}, {AbsoluteDeadlineParameter})
            """;
        Set = dialect == SqlDialect.MySql
            ? $"""
                {insert} AS new
                  ON DUPLICATE KEY UPDATE {data} = new.{data}, {lastActive} = new.{lastActive}, {expiresAt} = new.{expiresAt},
                    {sliding} = new.{sliding}, {deadline} = new.{deadline};
                """
            : $"""
                {insert}
                  ON DUPLICATE KEY UPDATE {data} = VALUES({data}), {lastActive} = VALUES({lastActive}), {expiresAt} = VALUES({expiresAt}),
                    {sliding} = VALUES({sliding}), {deadline} = VALUES({deadline});
                """;

        Remove = $"DELETE FROM {t} WHERE {id} = {IdParameter};";

        // Moving a live entry to a new id is one statement, so there is no moment when neither or both ids load it.
        ChangeId = $"UPDATE {t} SET {id} = {NewIdParameter}, {lastActive} = {NowParameter} WHERE {id} = {IdParameter} AND {expiresAt} > {NowParameter};";
        CreateTable = CreateTableDdl(table);
    }

    public TableName Table { get; }

    public SqlDialect Dialect { get; }

    /// <summary>
    /// Slides the entry if it is sliding and due, then selects its data and sliding window if it has not expired.
    /// Parameters: id, now, threshold.
    /// </summary>
    public string Get { get; }

    /// <summary>Slides a live sliding entry that is due, stamping <c>last_active</c>. Parameters: id, now, threshold.</summary>
    public string Refresh { get; }

    /// <summary>Inserts or replaces an entry. Parameters: id, data, now, expires_at, sliding_window_us, absolute_expires_at.</summary>
    public string Set { get; }

    /// <summary>Deletes an entry; a missing one is not an error. Parameters: id.</summary>
    public string Remove { get; }

    /// <summary>Moves a live entry to another id. Parameters: id, new_id, now.</summary>
    public string ChangeId { get; }

    /// <summary>The idempotent DDL of the table, the same as <c>schema/mysql/001_create_sessions.sql</c> for <c>sessions</c>.</summary>
    public string CreateTable { get; }

    /// <summary>
    /// Reads the table's columns, the server's packet limit and its cluster variables in one round trip. Parameters: @schema (null for the
    /// connection's database) and @table.
    /// </summary>
    public const string DescribeTable = """
        SELECT COLUMN_NAME AS ColumnName, DATA_TYPE AS DataType, CAST(CHARACTER_MAXIMUM_LENGTH AS SIGNED) AS MaximumLength,
               COLUMN_TYPE AS ColumnType, IS_NULLABLE = 'YES' AS IsNullable
          FROM INFORMATION_SCHEMA.COLUMNS
          WHERE TABLE_SCHEMA = COALESCE(@schema, DATABASE()) AND TABLE_NAME = @table
          ORDER BY ORDINAL_POSITION;
        SELECT CAST(@@max_allowed_packet AS SIGNED) AS MaxAllowedPacket, DATABASE() AS CurrentDatabase;
        SHOW VARIABLES WHERE Variable_name IN ('wsrep_on', 'group_replication_consistency');
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
}
