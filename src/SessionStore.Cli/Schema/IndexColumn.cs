namespace SessionStore.Cli.Schema;

/// <summary>One row of <c>INFORMATION_SCHEMA.STATISTICS</c>: a column's place in an index.</summary>
internal sealed class IndexColumn
{
    public string IndexName { get; set; } = "";

    public bool IsUnique { get; set; }

    /// <summary>1 for the index's first column.</summary>
    public long Position { get; set; }

    public string ColumnName { get; set; } = "";
}
