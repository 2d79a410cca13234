namespace SessionStore.Sql;

/// <summary>One row of <c>INFORMATION_SCHEMA.COLUMNS</c>, as <see cref="SqlStatements.DescribeTable"/> reads it.</summary>
internal sealed class ColumnDescription
{
    public string ColumnName { get; set; } = "";

    /// <summary>The bare type, lower case: <c>char</c>, <c>mediumblob</c>, <c>datetime</c>, …</summary>
    public string DataType { get; set; } = "";

    /// <summary>Characters for text columns, bytes for binary ones; <see langword="null"/> for other types.</summary>
    public long? MaximumLength { get; set; }

    /// <summary>Bytes for text and binary columns; <see langword="null"/> for other types.</summary>
    public long? OctetLength { get; set; }

    /// <summary>The full type as declared, such as <c>datetime(6)</c>.</summary>
    public string ColumnType { get; set; } = "";

    public bool IsNullable { get; set; }

    /// <summary>The collation of a text column, such as <c>utf8mb4_bin</c>; <see langword="null"/> for other types.</summary>
    public string? CollationName { get; set; }

    public bool IsBinaryType => DataType is "blob" or "mediumblob" or "longblob" or "tinyblob" or "varbinary" or "binary";

    public bool IsTextType => DataType is "text" or "mediumtext" or "longtext" or "tinytext" or "varchar" or "char";

    public bool IsTimeType => DataType is "datetime" or "timestamp";
}
