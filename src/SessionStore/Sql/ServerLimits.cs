namespace SessionStore.Sql;

/// <summary>The second result of <see cref="SqlStatements.DescribeTable"/>.</summary>
internal sealed class ServerLimits
{
    public long MaxAllowedPacket { get; set; }

    public string? CurrentDatabase { get; set; }
}
