using System.Globalization;
using MySqlConnector;
using SessionStore.Sql;

namespace SessionStore.Cli.Schema;

/// <summary>A step that is one statement: an ALTER TABLE, or the UPDATE that fills new columns.</summary>
internal sealed class SqlUpgradeStep : UpgradeStep
{
    private readonly bool _countsRows;

    public SqlUpgradeStep(string description, string sql, bool countsRows = false)
        : base(description)
    {
        Sql = sql;
        _countsRows = countsRows;
    }

    public override string Sql { get; }

    public override async Task<string> ExecuteAsync(UpgradeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var command = new MySqlCommand(Sql, context.Connection);

        // ALTER TABLE rebuilds a large table for minutes; the default 30 s would abandon it half way (harmlessly, but uselessly).
        command.CommandTimeout = 0;
        command.Parameters.AddWithValue(SqlStatements.NowParameter, context.Now);
        command.Parameters.AddWithValue(SqlStatements.SlidingWindowParameter, context.SlidingWindowMicroseconds);
        var rows = await command.ExecuteNonQueryAsync(context.CancellationToken).ConfigureAwait(false);
        return _countsRows ? string.Create(CultureInfo.InvariantCulture, $"rows filled: {rows}") : "done";
    }
}
