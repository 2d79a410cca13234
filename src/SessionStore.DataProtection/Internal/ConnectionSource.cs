using System.Data;
using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;

namespace SessionStore.DataProtection.Internal;

/// <summary>
/// Hands out open MySqlConnector connections from whichever source the options named. A data source built from
/// <see cref="DbiXmlRepositoryOptions.Dsn"/> is owned and disposed here; one the caller gave, or one from DI, stays theirs.
/// </summary>
internal sealed class ConnectionSource : IDisposable
{
    private readonly Func<DbConnection> _createConnection;
    private readonly MySqlDataSource? _ownedDataSource;

    private ConnectionSource(Func<DbConnection> createConnection, MySqlDataSource? ownedDataSource)
    {
        _createConnection = createConnection;
        _ownedDataSource = ownedDataSource;
    }

    /// <summary>Resolves the source the (validated) options describe.</summary>
    public static ConnectionSource Create(DbiXmlRepositoryOptions options, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(services);
        if (options.DataSource is { } dataSource)
        {
            return new ConnectionSource(dataSource.CreateConnection, null);
        }

        if (!string.IsNullOrWhiteSpace(options.Dsn))
        {
            var owned = new MySqlDataSource(DsnConnectionString.Build(options.Dsn, options.User, options.Password));
            return new ConnectionSource(owned.CreateConnection, owned);
        }

        var registered = services.GetService<DbDataSource>()
            ?? throw new InvalidOperationException(
                "No connection is configured for PersistKeysToDbi: set Dsn or DataSource, or register a DbDataSource in DI.");
        return new ConnectionSource(registered.CreateConnection, null);
    }

    /// <summary>
    /// Returns an open connection; the caller disposes it. Synchronous because <c>IXmlRepository</c> is: the key manager calls
    /// it synchronously, and blocking on async I/O would only add a thread-pool hop.
    /// </summary>
    public MySqlConnection Open()
    {
        var connection = _createConnection();
        if (connection is not MySqlConnection mySqlConnection)
        {
            var type = connection?.GetType().FullName ?? "null";
            connection?.Dispose();
            throw new InvalidOperationException(
                $"PersistKeysToDbi needs MySqlConnector connections, but its connection source returned {type}.");
        }

        if (mySqlConnection.State != ConnectionState.Open)
        {
            try
            {
                mySqlConnection.Open();
            }
            catch
            {
                mySqlConnection.Dispose();
                throw;
            }
        }

        return mySqlConnection;
    }

    public void Dispose() => _ownedDataSource?.Dispose();
}
