namespace SessionStore.Etcd.ClusterTests.Load;

/// <summary>When the reads of a frozen member's keys are sent, relative to its thaw.</summary>
internal enum ReadTiming
{
    /// <summary>Right after SIGCONT: the member races its own catch-up from the leader.</summary>
    AfterThaw,

    /// <summary>
    /// While it is still frozen: the requests wait in its sockets, as a client's would during a GC pause or a VM stall,
    /// and are answered the moment it resumes, before the appends queued beside them are applied.
    /// </summary>
    WhileFrozen,
}
