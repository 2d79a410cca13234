using System.Globalization;
using System.Text;
using SessionSample.Pages;
using SessionSample.Shop;
using static SessionSample.Metrics.SessionStoreTelemetry;

namespace SessionSample.Metrics;

/// <summary>
/// /metrics: the SessionStore instruments' values since this instance started and its last traced operations, as a page for
/// a person. (Tooling scrapes OpenTelemetry's exporters instead; see docs/operability.md.)
/// </summary>
internal static class MetricsEndpoints
{
    public static void MapMetrics(this WebApplication app)
    {
        // Resolved now, so that the listeners see everything from the start-up check on.
        app.Services.GetRequiredService<SessionStoreTelemetry>();
        app.MapGet("/metrics", ShowAsync);
    }

    private static async Task<IResult> ShowAsync(HttpContext http, SessionStoreTelemetry telemetry, ILogger<Cart> logger)
    {
        await http.Session.LoadAsync(http.RequestAborted);
        var page = new HtmlPage(http, logger);

        var rows = new StringBuilder();
        foreach (var series in telemetry.Snapshot())
        {
            var value = series.Kind switch
            {
                SeriesKind.Histogram => $"count {series.Count}, sum {Quantity(series.Sum, series.Unit)}, avg {Quantity(series.Sum / series.Count, series.Unit)}",
                SeriesKind.Gauge => Quantity(series.Last, series.Unit),
                _ => Quantity(series.Sum, series.Unit),
            };
            rows.Append(CultureInfo.InvariantCulture, $"""
                      <tr><td><code>{Html.Encode(series.Name)}</code></td><td>{Html.Encode(series.Tags)}</td><td>{Html.Encode(value)}</td></tr>

                """);
        }

        var traces = new StringBuilder();
        foreach (var operation in telemetry.RecentOperations())
        {
            traces.Append(CultureInfo.InvariantCulture, $"""
                      <tr><td>{operation.StartedUtc:HH:mm:ss.fff}</td><td>{Html.Encode(operation.Name)}</td><td>{operation.Duration.TotalMilliseconds:0.00} ms</td><td>{Html.Encode(operation.Status.ToString())}</td><td>{Html.Encode(operation.Tags)}</td></tr>

                """);
        }

        return await page.RenderAsync("Metrics", $"""
                <h1>Metrics</h1>
                <p>What the <code>SessionStore</code> meter and activity source reported since this instance started (process
                  {Environment.ProcessId}). Counters are totals per tag set, histograms count, sum and average, gauges the current value.</p>
                <section class="panel">
                  <h2>Instruments</h2>
            {(rows.Length == 0 ? "      <p>Nothing measured yet.</p>" : $"""
                  <table id="instruments">
                    <tr><th>Instrument</th><th>Tags</th><th>Value</th></tr>
            {rows}      </table>
            """)}
                </section>
                <section class="panel">
                  <h2>Recent operations</h2>
            {(traces.Length == 0 ? "      <p>No operation traced yet.</p>" : $"""
                  <table id="traces">
                    <tr><th>Started (UTC)</th><th>Activity</th><th>Duration</th><th>Status</th><th>Tags</th></tr>
            {traces}      </table>
            """)}
                </section>
            """);
    }

    private static string Quantity(double value, string? unit) => unit switch
    {
        "s" => (value * 1000).ToString("0.###", CultureInfo.InvariantCulture) + " ms",
        null or "" => value.ToString("0.###", CultureInfo.InvariantCulture),
        _ when unit.StartsWith('{') => value.ToString("0.###", CultureInfo.InvariantCulture),  // annotations such as {entry}
        _ => value.ToString("0.###", CultureInfo.InvariantCulture) + " " + unit,
    };
}
