namespace SessionSample.Account;

/// <summary>One page view of this session: which page, which app instance served it, and when (UTC).</summary>
internal sealed record PageVisit(string Path, string ServedBy, DateTimeOffset At);
