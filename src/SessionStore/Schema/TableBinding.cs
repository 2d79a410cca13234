using SessionStore.Sql;

namespace SessionStore.Schema;

/// <summary>The statements and table facts a cache settles on at first use.</summary>
internal sealed record TableBinding(SqlStatements Statements, TableShape Shape);
