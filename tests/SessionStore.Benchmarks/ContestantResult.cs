namespace SessionStore.Benchmarks;

internal sealed record ContestantResult(
    ContestantKind Kind,
    string Name,
    int Operations,
    double P50Microseconds,
    double P99Microseconds,
    double OperationsPerSecond,
    double AllocatedBytesPerOperation,
    double? RowWritesPerOperation,
    int Misses);
