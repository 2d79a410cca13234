namespace SessionStore.Sql;

/// <summary>One row of <c>INFORMATION_SCHEMA.COLUMNS</c>, as <see cref="SqlStatements.DescribeTable"/> reads it.</summary>
internal sealed class ColumnDescription
{
    public string ColumnName { get; set; } = "";

    /// <summary>The bare type, lower case: <c>char</c>, <c>mediumblob</c>, <c>datetime</c>, …</summary>
    public string DataType { get; set; } = "";

    /// <summary>Characters for text columns, bytes for binary ones; <see langword="null"/> for other types.</summary>
    public long? MaximumLength { get; set; }

    /// <summary>The full type as declared, such as <c>datetime(6)</c>.</summary>
    public string ColumnType { get; set; } = "";

    public bool IsNullable { get; set; }
}
