namespace SessionStore.Benchmarks;

internal enum ContestantKind
{
    /// <summary>Plain MySqlConnector, one statement per operation, pooled connections handed out without a reset: the physical limit.</summary>
    Limit,

    /// <summary>The same with MySqlConnector's default pool, which resets a connection on every checkout; for context.</summary>
    PlainWithReset,

    /// <summary>DbiSessionCache with its defaults: operations in flight together are coalesced.</summary>
    DbiSessionCache,

    /// <summary>DbiSessionCache with CoalesceOperations off: one statement per operation, as before issue 11.</summary>
    DbiSessionCacheUncoalesced,

    Redis,

    /// <summary>EtcdSessionCache with its defaults, against a throwaway single-member etcd on loopback (EtcdDevServer).</summary>
    Etcd,

    /// <summary>The limit reading the 10k-row table inside a 1M-row workload, so that the two table sizes share rounds.</summary>
    LimitOnSmallTable,

    /// <summary>DbiSessionCache on the 10k-row table inside a 1M-row workload.</summary>
    DbiSessionCacheOnSmallTable,
}
