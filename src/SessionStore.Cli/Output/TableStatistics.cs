namespace SessionStore.Cli.Output;

/// <summary>The row of <c>SqlStatements.Statistics</c>.</summary>
internal sealed class TableStatistics
{
    public long TotalRows { get; set; }

    public long ExpiredRows { get; set; }

    public long DataBytes { get; set; }

    /// <summary>UTC; <see langword="null"/> for an empty table or one without a last-activity column.</summary>
    public DateTime? OldestActivity { get; set; }

    public DateTime? NewestActivity { get; set; }
}
