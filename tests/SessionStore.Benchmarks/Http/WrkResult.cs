namespace SessionStore.Benchmarks.Http;

/// <summary>What one wrk run printed: throughput, latency percentiles (from <c>--latency</c>) and the failures it counted.</summary>
internal sealed record WrkResult(
    long Requests,
    double RequestsPerSecond,
    double P50Microseconds,
    double P99Microseconds,
    long Non2xxResponses,
    long SocketErrors);
