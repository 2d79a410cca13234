namespace SessionStore.Sql;

/// <summary>
/// The server family, which decides how the upsert names the new row's values. Everything else the cache sends is the same
/// on both families.
/// </summary>
internal enum SqlDialect
{
    /// <summary>MariaDB: <c>ON DUPLICATE KEY UPDATE c = VALUES(c)</c>; it has no row alias.</summary>
    MariaDb,

    /// <summary>
    /// MySQL 8.0.19 and later: <c>INSERT … AS new ON DUPLICATE KEY UPDATE c = new.c</c>, because <c>VALUES()</c> there is
    /// deprecated (MySQL 8.0 manual, 15.2.7.2 "INSERT … ON DUPLICATE KEY UPDATE").
    /// </summary>
    MySql,

    /// <summary>MySQL before 8.0.19: <c>VALUES(c)</c>, the only form it knows.</summary>
    MySqlBeforeRowAlias,
}
