namespace SessionStore.Sql;

/// <summary>The second result of <see cref="SqlStatements.DescribeTable"/>.</summary>
internal sealed class ServerLimits
{
    public long MaxAllowedPacket { get; set; }

    public string? CurrentDatabase { get; set; }

    /// <summary>The cluster variables the server has (<c>wsrep_on</c>, <c>group_replication_group_name</c>), by name.</summary>
    public IReadOnlyDictionary<string, string?> Variables { get; set; } = new Dictionary<string, string?>();
}
