using SessionStore.Sql;
using static SessionStore.Sql.SessionColumns;

namespace SessionStore.Cli.Schema;

/// <summary>
/// The SQL the tool sends beyond the library's <see cref="SqlStatements"/>: what it reads about a table besides its columns,
/// the ancestor's minimal table, and the pieces of <c>schema upgrade</c>. Identifiers are validated and quoted; values are
/// parameters.
/// </summary>
internal static class CliStatements
{
    /// <summary>The type of every time column of the full schema: UTC instants to the microsecond.</summary>
    public const string DateTime6 = "DATETIME(6)";

    /// <summary>
    /// What <see cref="TableDescription"/> does not read: the engine, the indexes, and which columns the server stamps on
    /// every UPDATE (<c>ON UPDATE CURRENT_TIMESTAMP</c>). Parameters: @schema (null for the connection's database), @table.
    /// </summary>
    public const string DescribeTableExtras = """
        SELECT ENGINE FROM INFORMATION_SCHEMA.TABLES
          WHERE TABLE_SCHEMA = COALESCE(@schema, DATABASE()) AND TABLE_NAME = @table;
        SELECT INDEX_NAME AS IndexName, NON_UNIQUE = 0 AS IsUnique, CAST(SEQ_IN_INDEX AS SIGNED) AS Position, COLUMN_NAME AS ColumnName
          FROM INFORMATION_SCHEMA.STATISTICS
          WHERE TABLE_SCHEMA = COALESCE(@schema, DATABASE()) AND TABLE_NAME = @table
          ORDER BY INDEX_NAME, SEQ_IN_INDEX;
        SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS
          WHERE TABLE_SCHEMA = COALESCE(@schema, DATABASE()) AND TABLE_NAME = @table AND LOWER(EXTRA) LIKE '%on update%';
        """;

    /// <summary>
    /// Upgrade runs in UTC: converting a TIMESTAMP column to DATETIME reads it in the session's time zone (MySQL manual, "The
    /// DATE, DATETIME, and TIMESTAMP Types"), and the cache's instants are UTC.
    /// </summary>
    public const string UseUtc = "SET time_zone = '+00:00';";

    /// <summary>The Perl ancestor's table (Dancer::Session::DBI), for completeness: the cache uses it as it stands.</summary>
    public static string MinimalTableDdl(TableName table, ColumnNames names)
    {
        ArgumentNullException.ThrowIfNull(table);
        return $"""
            CREATE TABLE IF NOT EXISTS {table.Quoted} (
              {SqlIdentifier.Quote(names.Id)} CHAR(40) NOT NULL PRIMARY KEY,
              {SqlIdentifier.Quote(names.Data)} TEXT,
              {SqlIdentifier.Quote(names.LastActive)} TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP
            );
            """;
    }

    public static string Alter(TableName table, IEnumerable<string> clauses) =>
        $"ALTER TABLE {table.Quoted}\n  {string.Join(",\n  ", clauses)};";

    public static string AddColumn(string column, string definition, string? after = null) =>
        $"ADD COLUMN {SqlIdentifier.Quote(column)} {definition}{(after is null ? "" : " AFTER " + SqlIdentifier.Quote(after))}";

    public static string ModifyColumn(string column, string definition) => $"MODIFY COLUMN {SqlIdentifier.Quote(column)} {definition}";

    public static string RenameColumn(string column, string newName, string definition) =>
        $"CHANGE COLUMN {SqlIdentifier.Quote(column)} {SqlIdentifier.Quote(newName)} {definition}";

    public static string DropColumn(string column) => $"DROP COLUMN {SqlIdentifier.Quote(column)}";

    /// <summary>The index of schema 001, which the purge walks oldest first.</summary>
    public static string AddExpiryIndex => $"ADD INDEX `ix_{ExpiresAt}` (`{ExpiresAt}`)";

    /// <summary>One UPDATE that fills every column the plan added, only in the rows that still need it (so a rerun is harmless).</summary>
    public static string Fill(TableName table, IEnumerable<string> assignments, IEnumerable<string> conditions) =>
        $"UPDATE {table.Quoted} SET\n  {string.Join(",\n  ", assignments)}\n  WHERE {string.Join(" OR ", conditions)};";

    /// <summary>
    /// A page of values still to decode, in id order. Parameters: @after (the last id of the previous page; the first page
    /// uses <paramref name="first"/>), and the page size is a literal.
    /// </summary>
    public static string SelectUndecoded(TableName table, string id, string data, string staging, int pageSize, bool first) =>
        $"SELECT {SqlIdentifier.Quote(id)}, CAST({SqlIdentifier.Quote(data)} AS BINARY) FROM {table.Quoted}\n" +
        $"  WHERE {(first ? "" : $"{SqlIdentifier.Quote(id)} > @after AND ")}{SqlIdentifier.Quote(staging)} IS NULL\n" +
        $"  ORDER BY {SqlIdentifier.Quote(id)} LIMIT {pageSize};";

    /// <summary>Stores one decoded value. Parameters: @id, @value.</summary>
    public static string WriteDecoded(TableName table, string id, string staging) =>
        $"UPDATE {table.Quoted} SET {SqlIdentifier.Quote(staging)} = @value\n" +
        $"  WHERE {SqlIdentifier.Quote(id)} = @id AND {SqlIdentifier.Quote(staging)} IS NULL;";
}
