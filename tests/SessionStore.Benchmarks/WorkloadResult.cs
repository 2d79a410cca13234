namespace SessionStore.Benchmarks;

internal sealed record WorkloadResult(Workload Workload, IReadOnlyList<ContestantResult> Contestants)
{
    public ContestantResult? For(ContestantKind kind) => Contestants.FirstOrDefault(c => c.Kind == kind);
}
