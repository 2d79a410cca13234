using SessionStore.Sql;
using static SessionStore.DataProtection.Sql.KeyColumns;

namespace SessionStore.DataProtection.Sql;

/// <summary>
/// Every SQL statement the key-ring store sends, built once per table. Identifiers are validated and quoted; every value is a
/// parameter.
/// </summary>
internal sealed class SqlStatements
{
    public SqlStatements(TableName table)
    {
        ArgumentNullException.ThrowIfNull(table);
        Table = table;
        var t = table.Quoted;
        var id = SqlIdentifier.Quote(Id);
        var friendlyName = SqlIdentifier.Quote(FriendlyName);
        var xml = SqlIdentifier.Quote(Xml);
        var createdAt = SqlIdentifier.Quote(CreatedAt);

        SelectAll = $"SELECT {id} AS Id, {friendlyName} AS FriendlyName, {xml} AS Xml FROM {t} ORDER BY {id};";

        // Idempotent on the friendly name, the same SQL on MySQL and MariaDB: the update repeats the @xml parameter instead of
        // VALUES(xml), which MySQL deprecates since 8.0.20, or the row alias (AS new) that replaces it, which MariaDB does not
        // parse (https://dev.mysql.com/doc/refman/8.4/en/insert-on-duplicate.html). Not INSERT IGNORE: it also turns real
        // errors, such as a value too long for its column, into warnings. The first created_at and id stay, so the element
        // keeps its place in the ring.
        Store = $"""
            INSERT INTO {t} ({friendlyName}, {xml}, {createdAt}) VALUES (@friendlyName, @xml, @createdAt)
              ON DUPLICATE KEY UPDATE {xml} = @xml;
            """;

        CreateTable = CreateTableDdl(table);
    }

    public TableName Table { get; }

    /// <summary>Every stored element, oldest first, as <see cref="KeyRow"/>s.</summary>
    public string SelectAll { get; }

    /// <summary>Stores an element, replacing the XML of one with the same friendly name. Parameters: friendlyName, xml, createdAt.</summary>
    public string Store { get; }

    /// <summary>The idempotent DDL of the table, the same as <c>schema/mysql/002_create_dataprotection_keys.sql</c> for <c>dataprotection_keys</c>.</summary>
    public string CreateTable { get; }

    /// <summary>
    /// Reads the table's column names and the connection's database in one round trip. Parameters: schema (null for the
    /// connection's database) and table.
    /// </summary>
    public const string DescribeTable = """
        SELECT COLUMN_NAME FROM INFORMATION_SCHEMA.COLUMNS
          WHERE TABLE_SCHEMA = COALESCE(@schema, DATABASE()) AND TABLE_NAME = @table
          ORDER BY ORDINAL_POSITION;
        SELECT DATABASE();
        """;

    /// <summary>
    /// The account the server matched the connection to (<c>web@10.0.0.%</c>), for a message that gives the exact GRANT to run.
    /// </summary>
    public const string CurrentUser = "SELECT CURRENT_USER();";

    /// <summary>The DDL for <paramref name="table"/>: numbered schema file 002 is this text for the default table name.</summary>
    public static string CreateTableDdl(TableName table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return $"""
            CREATE TABLE IF NOT EXISTS {table.Quoted} (
              `{Id}` BIGINT NOT NULL AUTO_INCREMENT,
              `{FriendlyName}` VARCHAR({FriendlyNameCapacity}) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
              `{Xml}` MEDIUMTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
              `{CreatedAt}` DATETIME(6) NOT NULL,
              PRIMARY KEY (`{Id}`),
              UNIQUE KEY `ux_{FriendlyName}` (`{FriendlyName}`)
            ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin;
            """;
    }
}
