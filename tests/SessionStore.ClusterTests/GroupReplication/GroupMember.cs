namespace SessionStore.ClusterTests.GroupReplication;

/// <summary>One row of performance_schema.replication_group_members, as one node sees the group.</summary>
/// <param name="Host">MEMBER_HOST: the member's report_host, 127.0.0.N here.</param>
/// <param name="State">MEMBER_STATE: ONLINE, RECOVERING, OFFLINE, UNREACHABLE, ERROR.</param>
/// <param name="Role">MEMBER_ROLE: PRIMARY or SECONDARY (empty while the member is not in the group).</param>
/// <param name="Uuid">MEMBER_ID: the server_uuid, which group_replication_set_as_primary takes.</param>
internal sealed record GroupMember(string Host, string State, string Role, string Uuid)
{
    public bool IsOnline => State == "ONLINE";

    public bool IsPrimary => IsOnline && Role == "PRIMARY";

    public override string ToString() => $"{Host} {State} {Role}";
}
