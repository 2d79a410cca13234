using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace SessionStore.Hosting;

/// <summary>
/// Reads the table's shape when the host starts, so that a missing table, or one with a missing or mistyped column, stops
/// the app at startup with the message that names them, rather than failing its first request. A database that cannot be
/// reached at startup is only logged: the cache connects when it is back, and a deploy should not fail because the
/// database restarted at the same moment.
/// </summary>
internal sealed partial class TableStartupCheck(IDistributedCache cache, ILogger<TableStartupCheck> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Only when DbiSessionCache is the app's cache: a later registration (a memory cache in tests) replaces it.
        if (cache is not DbiSessionCache dbi || !dbi.ValidateTableAtStartup)
        {
            return;
        }

        try
        {
            await dbi.EnsureBoundAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException ex) when (ex.ErrorCode is MySqlErrorCode.UnableToConnectToHost || ex.IsTransient)
        {
            LogDatabaseUnreachable(ex);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 1003, EventName = "DatabaseUnreachableAtStartup", Level = LogLevel.Warning,
        Message = "DbiSessionCache could not reach the database at startup to check its table; it will check at first use")]
    private partial void LogDatabaseUnreachable(Exception exception);
}
