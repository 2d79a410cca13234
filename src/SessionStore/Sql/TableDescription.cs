using Dapper;
using MySqlConnector;

namespace SessionStore.Sql;

/// <summary>Reads what <see cref="TableShape"/> is built from: a table's columns and the server's limits and cluster variables.</summary>
internal static class TableDescription
{
    /// <summary>One round trip; an empty column list means the table does not exist.</summary>
    public static async ValueTask<(IReadOnlyList<ColumnDescription> Columns, ServerLimits Limits)> ReadAsync(
        MySqlConnection connection, TableName table, bool isAsync, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(table);
        var describe = new CommandDefinition(
            SqlStatements.DescribeTable, new { schema = table.Database, table = table.Table }, cancellationToken: cancellationToken);
        using var results = isAsync ? await connection.QueryMultipleAsync(describe).ConfigureAwait(false) : connection.QueryMultiple(describe);
        var columns = (isAsync ? await results.ReadAsync<ColumnDescription>().ConfigureAwait(false) : results.Read<ColumnDescription>()).AsList();
        var limits = isAsync ? await results.ReadSingleAsync<ServerLimits>().ConfigureAwait(false) : results.ReadSingle<ServerLimits>();
        var variables = isAsync ? await results.ReadAsync<ServerVariable>().ConfigureAwait(false) : results.Read<ServerVariable>();
        limits.Variables = variables.ToDictionary(v => v.Variable_name, v => v.Value, StringComparer.OrdinalIgnoreCase);
        return (columns, limits);
    }
}
