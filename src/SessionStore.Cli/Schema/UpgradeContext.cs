using MySqlConnector;

namespace SessionStore.Cli.Schema;

/// <summary>What the steps of an upgrade run with: one connection in UTC, the instant taken as now, and the sliding window.</summary>
internal sealed record UpgradeContext(MySqlConnection Connection, DateTime Now, TimeSpan SlidingWindow, CancellationToken CancellationToken)
{
    public long SlidingWindowMicroseconds => SlidingWindow.Ticks / TimeSpan.TicksPerMicrosecond;
}
