namespace SessionStore.Sql;

/// <summary>How a read waits for the writes the rest of a cluster has committed, as the server supports it.</summary>
internal enum CausalReads
{
    /// <summary>No waiting: a single server, or causal reads not asked for.</summary>
    None,

    /// <summary>MariaDB Galera: <c>wsrep_sync_wait = 1</c> (MariaDB manual, "wsrep_sync_wait").</summary>
    Galera,

    /// <summary>MySQL group replication / InnoDB Cluster: <c>group_replication_consistency = 'BEFORE'</c>.</summary>
    GroupReplication,
}
