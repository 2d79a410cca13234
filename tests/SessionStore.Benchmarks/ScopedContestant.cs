namespace SessionStore.Benchmarks;

/// <summary>Another contestant, taking part only in the workloads <c>scope</c> accepts.</summary>
internal sealed class ScopedContestant : Contestant
{
    private readonly Contestant _inner;
    private readonly Func<Workload, bool> _scope;

    public ScopedContestant(Contestant inner, Func<Workload, bool> scope)
        : base(inner.Kind, inner.Name)
    {
        _inner = inner;
        _scope = scope;
    }

    public override bool UsesMySql => _inner.UsesMySql;

    public override bool Supports(Workload workload) => _scope(workload) && _inner.Supports(workload);

    public override ValueTask<bool> ExecuteAsync(Operation operation, WorkerContext worker) => _inner.ExecuteAsync(operation, worker);
}
