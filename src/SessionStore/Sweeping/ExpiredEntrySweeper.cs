using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SessionStore.Sweeping;

/// <summary>
/// Runs <see cref="DbiSessionCache"/>'s sweep every <see cref="DbiSessionCacheOptions.SweepInterval"/>, off the request
/// path. Its failures are logged and never reach a request or stop the host; the next round tries again.
/// </summary>
internal sealed partial class ExpiredEntrySweeper : BackgroundService
{
    private readonly DbiSessionCache _cache;
    private readonly DbiSessionCacheOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<ExpiredEntrySweeper> _logger;

    public ExpiredEntrySweeper(DbiSessionCache cache, IOptions<DbiSessionCacheOptions> options, TimeProvider timeProvider, ILogger<ExpiredEntrySweeper> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _cache = cache;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.SweepExpiredEntries)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            // Up to a tenth of the interval of jitter, so that the servers of a farm started together do not all ask for the
            // lock at the same instant.
            var jitter = TimeSpan.FromTicks((long)(_options.SweepInterval.Ticks * 0.1 * Random.Shared.NextDouble()));
            try
            {
                await Task.Delay(_options.SweepInterval + jitter, _timeProvider, stoppingToken).ConfigureAwait(false);
                await _cache.SweepExpiredAsync(stoppingToken).ConfigureAwait(false);
                _cache.RecordSweepOutcome(null);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A failed sweep must not stop the host; it is logged and the next round tries again.
            catch (Exception ex)
#pragma warning restore CA1031
            {
                _cache.RecordSweepOutcome(ex);
                LogSweepFailed(ex);
            }
        }
    }

    [LoggerMessage(EventId = 1202, EventName = "SweepFailed", Level = LogLevel.Warning,
        Message = "DbiSessionCache's sweep of expired entries failed; it will try again after the next interval")]
    private partial void LogSweepFailed(Exception exception);
}
