namespace SessionStore.DataProtection.Sql;

/// <summary>What <see cref="SqlStatements.DescribeTable"/> found: the table's column names (none when it is missing) and the connection's database.</summary>
internal sealed record TableDescription(IReadOnlyList<string> Columns, string? CurrentDatabase);
