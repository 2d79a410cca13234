using System.Data.Common;
using System.Data;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;

namespace SessionStore.Connections;

/// <summary>
/// Hands out open MySqlConnector connections from whichever source the settings named: the one owner of "how a connection is
/// obtained" for the cache, the key ring and the command-line tool. A data source built from
/// <see cref="ConnectionSettings.Dsn"/> is owned and disposed here; one the caller gave, or one from DI, stays theirs.
/// </summary>
internal sealed class ConnectionSource : IDisposable
{
    private readonly Func<DbConnection> _createConnection;
    private readonly MySqlDataSource? _ownedDataSource;
    private readonly string _consumer;

    private ConnectionSource(Func<DbConnection> createConnection, MySqlDataSource? ownedDataSource, string consumer)
    {
        _createConnection = createConnection;
        _ownedDataSource = ownedDataSource;
        _consumer = consumer;
    }

    /// <summary>
    /// The connection string of the pool this source built from a DSN, or <see langword="null"/> for a caller's source. It holds
    /// the password: parse it for a message, never print it.
    /// </summary>
    public string? OwnedConnectionString => _ownedDataSource?.ConnectionString;

    /// <summary>Resolves the source the (validated) settings describe.</summary>
    public static ConnectionSource Create(ConnectionSettings settings, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(services);
        var consumer = settings.Consumer;
        if (settings.ConnectionFactory is { } factory)
        {
            return new ConnectionSource(() => factory(services), null, consumer);
        }

        if (settings.DataSource is { } dataSource)
        {
            return new ConnectionSource(dataSource.CreateConnection, null, consumer);
        }

        if (settings.DataSourceServiceKey is { } key)
        {
            var keyed = services.GetRequiredKeyedService<DbDataSource>(key);
            return new ConnectionSource(keyed.CreateConnection, null, consumer);
        }

        if (!string.IsNullOrWhiteSpace(settings.Dsn))
        {
            return ForDsn(settings);
        }

        var registered = services.GetService<DbDataSource>()
            ?? throw new InvalidOperationException(
                $"No connection is configured for {consumer}: set {settings.SourceChoices()}, or register a DbDataSource in DI.");
        return new ConnectionSource(registered.CreateConnection, null, consumer);
    }

    /// <summary>
    /// A source that owns a pool for <see cref="ConnectionSettings.Dsn"/>, with its user and password. Throws
    /// <see cref="FormatException"/> (never repeating the DSN) when the DSN cannot be used.
    /// </summary>
    public static ConnectionSource ForDsn(ConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentException.ThrowIfNullOrWhiteSpace(settings.Dsn);
        var connectionString = DsnConnectionString.Build(settings.Dsn, settings.User, settings.Password);
        var owned = new MySqlDataSource(settings.SkipsConnectionReset ? ForOwnedPool(connectionString) : connectionString);
        return new ConnectionSource(owned.CreateConnection, owned, settings.Consumer);
    }

    /// <summary>
    /// Settings for the pool the cache owns, unless the DSN sets them. <c>Connection Reset=false</c>: MySqlConnector then
    /// hands out a pooled connection without the reset round trip (measured here: a plain SELECT loop ran at 0.5–0.65× of
    /// its speed with the reset). Safe because the cache leaves no session state behind (no transactions, variables or
    /// temporary tables) and nobody else uses this pool; a connection the server dropped meanwhile fails its first statement,
    /// and the cache discards it and retries at once on the next (see <see cref="RetryingExecutor"/>).
    /// </summary>
    internal static string ForOwnedPool(string connectionString)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        if (!builder.ContainsKey("Connection Reset"))
        {
            builder.ConnectionReset = false;
        }

        return builder.ConnectionString;
    }

    /// <summary>Returns an open connection; the caller disposes it.</summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<MySqlConnection> OpenAsync(bool isAsync, CancellationToken cancellationToken)
    {
        var connection = _createConnection();
        if (connection is not MySqlConnection mySqlConnection)
        {
            var type = connection?.GetType().FullName ?? "null";
            connection?.Dispose();
            throw new InvalidOperationException(
                $"{_consumer} needs MySqlConnector connections, but its connection source returned {type}.");
        }

        if (mySqlConnection.State != ConnectionState.Open)
        {
            try
            {
                if (isAsync)
                {
                    await mySqlConnection.OpenAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    mySqlConnection.Open();
                }
            }
            catch
            {
                await CloseAsync(mySqlConnection, isAsync).ConfigureAwait(false);
                throw;
            }
        }

        return mySqlConnection;
    }

    /// <summary>Disposes a connection with the I/O style of the operation that used it.</summary>
    public static ValueTask CloseAsync(MySqlConnection connection, bool isAsync)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (isAsync)
        {
            return connection.DisposeAsync();
        }

        connection.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Disposes the pool this source built from a DSN; a caller's data source is left alone.</summary>
    public void Dispose() => _ownedDataSource?.Dispose();
}
