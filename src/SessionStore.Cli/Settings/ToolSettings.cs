using MySqlConnector;
using SessionStore.Cli.Commands;
using SessionStore.Connections;
using SessionStore.Sql;

namespace SessionStore.Cli.Settings;

/// <summary>
/// What a verb works on, resolved from the settings file, the environment and the command line, with the same option names
/// and validation as the library. Connections come from the library's <see cref="ConnectionSource"/>; its connection string
/// holds the password: it is used, never printed.
/// </summary>
internal sealed class ToolSettings : IDisposable
{
    private readonly ConnectionSource? _connections;

    public ToolSettings(
        ConnectionSource? connections,
        TableName table,
        ColumnNames columns,
        DbiSessionKeyStorage keyStorage,
        TimeSpan slidingWindow)
    {
        _connections = connections;
        Table = table;
        Columns = columns;
        KeyStorage = keyStorage;
        SlidingWindow = slidingWindow;
    }

    public TableName Table { get; }

    public ColumnNames Columns { get; }

    public bool HasDefaultColumnNames =>
        Columns == ColumnNames.Default;

    public DbiSessionKeyStorage KeyStorage { get; }

    /// <summary>The library's <c>DefaultSlidingExpiration</c>: the window of a table that expires by its last-activity column.</summary>
    public TimeSpan SlidingWindow { get; }

    /// <summary>Where the connection goes, for messages: server, port, user and database, never the password.</summary>
    public string Target
    {
        get
        {
            var builder = new MySqlConnectionStringBuilder(Connections.OwnedConnectionString ?? "");
            var database = string.IsNullOrEmpty(builder.Database) ? "" : $", database '{builder.Database}'";
            return $"{builder.Server}:{builder.Port} as '{builder.UserID}'{database}";
        }
    }

    private ConnectionSource Connections => _connections ?? throw new InvalidOperationException("These settings have no connection.");

    /// <summary>Opens a connection; a failure ends the verb with exit code 2 and the server's reason.</summary>
    public async Task<MySqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await Connections.OpenAsync(isAsync: true, cancellationToken).ConfigureAwait(false);
        }
        catch (MySqlException ex)
        {
            throw new CommandException(ExitCodes.Error, $"Cannot connect to {Target}: {ex.Message}");
        }
    }

    /// <summary>Closes the pool the settings' connection source built, so the server sees each connection quit rather than drop.</summary>
    public void Dispose() => _connections?.Dispose();
}
