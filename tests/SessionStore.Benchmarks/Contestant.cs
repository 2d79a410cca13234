namespace SessionStore.Benchmarks;

/// <summary>One way of storing sessions, driven through the same operations as the others.</summary>
internal abstract class Contestant
{
    protected Contestant(ContestantKind kind, string name)
    {
        Kind = kind;
        Name = name;
    }

    public ContestantKind Kind { get; }

    public string Name { get; }

    /// <summary>
    /// The table whose entries it reads and writes whatever the workload's table is, or null to follow the workload. Lets
    /// the 1M-row workloads run the same contestant on the 10k-row table in the same rounds, so that comparing the two
    /// sizes is not a comparison of two moments on a noisy machine.
    /// </summary>
    public Dataset? FixedDataset { get; init; }

    /// <summary>Whether its work lands on the MySQL server, so that the server's row-write counters belong to it.</summary>
    public abstract bool UsesMySql { get; }

    /// <summary>Whether it takes part in <paramref name="workload"/>.</summary>
    public virtual bool Supports(Workload workload) => true;

    /// <summary>Runs one operation on the worker's current entry; returns whether a read found it (writes return true).</summary>
    public abstract ValueTask<bool> ExecuteAsync(Operation operation, WorkerContext worker);
}
