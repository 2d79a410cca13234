using System.Globalization;
using MySqlConnector;

namespace SessionStore.Benchmarks;

/// <summary>
/// Reads the server's global row-write counters on a connection of its own: <c>Innodb_rows_inserted + _updated +
/// _deleted</c> where the server has them (MySQL), else <c>Handler_write + Handler_update + Handler_delete</c> (MariaDB
/// 10.11 has no <c>Innodb_rows_*</c>). SHOW STATUS itself touches neither (its temporary table counts in
/// <c>Handler_tmp_*</c>), and an UPDATE that matches no row, or changes nothing, counts in neither.
/// </summary>
internal sealed class ServerCounters
{
    private static readonly string[] s_innoDbCounters = ["Innodb_rows_inserted", "Innodb_rows_updated", "Innodb_rows_deleted"];
    private static readonly string[] s_handlerCounters = ["Handler_write", "Handler_update", "Handler_delete"];

    private readonly MySqlConnection _connection;
    private string[]? _counters;

    public ServerCounters(MySqlConnection connection)
    {
        _connection = connection;
    }

    /// <summary>What is summed, for the report; null until the first read.</summary>
    public string? Description { get; private set; }

    public async Task<long?> ReadRowWritesAsync(CancellationToken cancellationToken)
    {
        if (_counters is null)
        {
            if (await SumAsync(s_innoDbCounters, cancellationToken) is not null)
            {
                _counters = s_innoDbCounters;
                Description = "Innodb_rows_inserted + Innodb_rows_updated + Innodb_rows_deleted";
            }
            else
            {
                _counters = s_handlerCounters;
                Description = "Handler_write + Handler_update + Handler_delete (the server has no Innodb_rows_* counters; " +
                    "an upsert over an existing row counts 2 there: the attempted insert and the update)";
            }
        }

        return await SumAsync(_counters, cancellationToken);
    }

    /// <summary>
    /// Reads global status counters by name (e.g. <c>Com_select</c>, <c>Questions</c>); a name the server does not have
    /// is absent from the result.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, long>> ReadStatusAsync(IReadOnlyCollection<string> names, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(
            $"SHOW GLOBAL STATUS WHERE Variable_name IN ('{string.Join("', '", names)}')", _connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var values = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        while (await reader.ReadAsync(cancellationToken))
        {
            values[reader.GetString(0)] = long.Parse(reader.GetString(1), CultureInfo.InvariantCulture);
        }

        return values;
    }

    private async Task<long?> SumAsync(string[] names, CancellationToken cancellationToken)
    {
        var values = await ReadStatusAsync(names, cancellationToken);
        return values.Count == names.Length ? values.Values.Sum() : null;
    }
}
