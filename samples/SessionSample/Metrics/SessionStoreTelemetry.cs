using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Globalization;

namespace SessionSample.Metrics;

/// <summary>
/// What the SessionStore <see cref="Meter"/> and <see cref="ActivitySource"/> (both named "SessionStore") have reported since
/// the app started, kept in memory for the /metrics page: counters summed per tag set, histograms as count and sum, gauges
/// as their last value, and the last few traced operations. A production app sends the same to OpenTelemetry instead.
/// </summary>
internal sealed class SessionStoreTelemetry : IDisposable
{
    public const string SourceName = "SessionStore";

    private const int RecentActivityCount = 20;

    private readonly MeterListener _meterListener = new();
    private readonly ActivityListener _activityListener;
    private readonly ConcurrentDictionary<(Instrument Instrument, string Tags), Aggregate> _series = new();
    private readonly ConcurrentQueue<TracedOperation> _recent = new();

    public SessionStoreTelemetry()
    {
        _meterListener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == SourceName)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _meterListener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meterListener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meterListener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _meterListener.Start();

        _activityListener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                _recent.Enqueue(new TracedOperation(activity.DisplayName, activity.StartTimeUtc, activity.Duration, activity.Status,
                    string.Join(", ", activity.TagObjects.Select(t => $"{t.Key}={t.Value}"))));
                while (_recent.Count > RecentActivityCount && _recent.TryDequeue(out _))
                {
                }
            },
        };
        ActivitySource.AddActivityListener(_activityListener);
    }

    /// <summary>Every instrument and tag set seen so far, observable gauges read just now; sorted by name, then tags.</summary>
    public IReadOnlyList<Series> Snapshot()
    {
        _meterListener.RecordObservableInstruments();
        return [.. _series
            .Select(s => (s.Key, Value: s.Value.Read()))
            .Select(s => new Series(s.Key.Instrument.Name, s.Key.Instrument.Unit, s.Key.Tags, Kind(s.Key.Instrument), s.Value.Count, s.Value.Sum, s.Value.Last))
            .OrderBy(s => s.Name, StringComparer.Ordinal)
            .ThenBy(s => s.Tags, StringComparer.Ordinal)];
    }

    /// <summary>The last traced operations, newest first.</summary>
    public IReadOnlyList<TracedOperation> RecentOperations() => [.. _recent.Reverse()];

    public void Dispose()
    {
        _meterListener.Dispose();
        _activityListener.Dispose();
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct, IConvertible
    {
        var key = (instrument, FormatTags(tags));
        _series.GetOrAdd(key, static _ => new Aggregate()).Add(value.ToDouble(CultureInfo.InvariantCulture));
    }

    private static string FormatTags(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var parts = new List<string>(tags.Length);
        foreach (var tag in tags)
        {
            parts.Add($"{tag.Key}={Convert.ToString(tag.Value, CultureInfo.InvariantCulture)}");
        }

        parts.Sort(StringComparer.Ordinal);
        return string.Join(", ", parts);
    }

    private static SeriesKind Kind(Instrument instrument) => instrument switch
    {
        Histogram<double> or Histogram<long> or Histogram<int> => SeriesKind.Histogram,
        _ when instrument.IsObservable => SeriesKind.Gauge,  // observable counters and gauges report their current value
        Gauge<long> or Gauge<int> or Gauge<double> => SeriesKind.Gauge,
        _ => SeriesKind.Counter,                              // counters and up-down counters: the sum of what was added
    };

    internal enum SeriesKind
    {
        Counter,
        Histogram,
        Gauge,
    }

    internal sealed record Series(string Name, string? Unit, string Tags, SeriesKind Kind, long Count, double Sum, double Last);

    internal sealed record TracedOperation(string Name, DateTime StartedUtc, TimeSpan Duration, ActivityStatusCode Status, string Tags);

    private sealed class Aggregate
    {
        private readonly Lock _lock = new();
        private long _count;
        private double _sum;
        private double _last;

        public (long Count, double Sum, double Last) Read()
        {
            lock (_lock)
            {
                return (_count, _sum, _last);
            }
        }

        public void Add(double value)
        {
            lock (_lock)
            {
                _count++;
                _sum += value;
                _last = value;
            }
        }
    }
}
