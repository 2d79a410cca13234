using Dapper;
using MySqlConnector;

namespace SessionStore.Sql;

/// <summary>
/// Decides, from what the server says about its cluster, how reads wait for the cluster's writes when
/// <see cref="DbiSessionCacheOptions.CausalReads"/> is on. Membership is read from the cluster itself, not from a
/// variable's presence: every MySQL 8.0.14+ server has <c>group_replication_consistency</c>, in a group or not.
/// </summary>
internal static class ClusterMembership
{
    /// <summary>Returns the causal-reads mode of this server, or throws when it is in no cluster whose reads can lag.</summary>
    /// <exception cref="InvalidOperationException">The server is a single server, or a group member that is not online.</exception>
    public static async ValueTask<CausalReads> ChooseCausalReadsAsync(
        MySqlConnection connection, ServerLimits limits, bool isAsync, CancellationToken cancellationToken)
    {
        if (limits.Variables.TryGetValue("wsrep_on", out var wsrepOn) && string.Equals(wsrepOn, "ON", StringComparison.OrdinalIgnoreCase))
        {
            return CausalReads.Galera;
        }

        // The variable exists only while the group replication plugin is loaded, and is empty until a group is configured.
        if (!limits.Variables.TryGetValue("group_replication_group_name", out var group) || string.IsNullOrEmpty(group))
        {
            throw new InvalidOperationException(
                "CausalReads is on, but the server is neither a Galera node (wsrep_on = ON) nor a member of a MySQL replication " +
                "group (group_replication_group_name is unset): a single server reads its own writes anyway, so turn CausalReads off.");
        }

        string? state;
        try
        {
            var query = new CommandDefinition(SqlStatements.GroupMemberState, cancellationToken: cancellationToken);
            state = isAsync
                ? await connection.QueryFirstOrDefaultAsync<string>(query).ConfigureAwait(false)
                : connection.QueryFirstOrDefault<string>(query);
        }
        catch (MySqlException ex) when (ex.ErrorCode is MySqlErrorCode.TableAccessDenied or MySqlErrorCode.NoSuchTable)
        {
            // The user may not read performance_schema (or it is off): the server is configured for a group, and the
            // session variable is harmless if it is not in it right now.
            return CausalReads.GroupReplication;
        }

        return state is "ONLINE" or "RECOVERING"
            ? CausalReads.GroupReplication
            : throw new InvalidOperationException(
                $"CausalReads is on and the server is configured for replication group {group}, but it is not an online member of it " +
                $"(MEMBER_STATE {state ?? "absent"} in performance_schema.replication_group_members): its reads would not wait for the " +
                "group. Connect to an online member (through MySQL Router, or a DSN that lists the members) or turn CausalReads off.");
    }
}
