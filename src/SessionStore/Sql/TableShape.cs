using System.Globalization;
using static SessionStore.Sql.SessionColumns;

namespace SessionStore.Sql;

/// <summary>
/// What the cache learned about its table and server when it first connected: how long an id the id column takes and how
/// large a value may be written, given both the data column's capacity and the server's <c>max_allowed_packet</c>.
/// </summary>
internal sealed class TableShape
{
    /// <summary>Room left in a packet for the statement text and the other parameters of an upsert.</summary>
    internal const long StatementOverheadBytes = 1024;

    private TableShape(int idCapacity, long dataCapacity, string dataType, long maxAllowedPacket)
    {
        IdCapacity = idCapacity;
        DataCapacity = dataCapacity;
        DataType = dataType;
        MaxAllowedPacket = maxAllowedPacket;
    }

    /// <summary>Characters the id column holds.</summary>
    public int IdCapacity { get; }

    /// <summary>Bytes the data column holds.</summary>
    public long DataCapacity { get; }

    /// <summary>The data column's type, for messages: <c>mediumblob</c>.</summary>
    public string DataType { get; }

    /// <summary>The server's <c>max_allowed_packet</c>, in bytes.</summary>
    public long MaxAllowedPacket { get; }

    /// <summary>
    /// Checks the columns against what the cache needs; returns the shape or throws <see cref="InvalidOperationException"/>
    /// that lists every problem, each naming its column.
    /// </summary>
    public static TableShape FromColumns(TableName table, IReadOnlyList<ColumnDescription> columns, long maxAllowedPacket, int minimumIdCapacity)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(columns);
        var byName = columns.ToDictionary(c => c.ColumnName, StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();

        var missing = All.Where(name => !byName.ContainsKey(name)).ToList();
        if (missing.Count > 0)
        {
            problems.Add($"missing column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"'{m}'"))}");
        }

        var idCapacity = 0;
        if (byName.TryGetValue(Id, out var id))
        {
            if (id.DataType is not ("char" or "varchar") || id.MaximumLength is null)
            {
                problems.Add($"column '{Id}' is {id.ColumnType}; it must be CHAR(40) or VARCHAR(n) with a binary collation");
            }
            else
            {
                idCapacity = (int)Math.Min(id.MaximumLength.Value, int.MaxValue);
                if (idCapacity < minimumIdCapacity)
                {
                    problems.Add($"column '{Id}' is {id.ColumnType}; it must hold at least {minimumIdCapacity} characters");
                }
            }
        }

        long dataCapacity = 0;
        var dataType = "";
        if (byName.TryGetValue(Data, out var data))
        {
            dataType = data.DataType;
            if (data.DataType is not ("blob" or "mediumblob" or "longblob" or "tinyblob" or "varbinary" or "binary") || data.MaximumLength is null)
            {
                problems.Add($"column '{Data}' is {data.ColumnType}; it must be binary (MEDIUMBLOB, LONGBLOB, BLOB or VARBINARY), " +
                    "because session middleware values are not text");
            }
            else
            {
                dataCapacity = data.MaximumLength.Value;
            }
        }

        foreach (var (name, nullable) in new[] { (LastActive, false), (ExpiresAt, false), (AbsoluteDeadline, true) })
        {
            if (byName.TryGetValue(name, out var column) && column.DataType is not ("datetime" or "timestamp"))
            {
                problems.Add($"column '{name}' is {column.ColumnType}; it must be DATETIME(6){(nullable ? " NULL" : "")}");
            }
        }

        if (byName.TryGetValue(SlidingWindowMicroseconds, out var sliding) && sliding.DataType != "bigint")
        {
            problems.Add($"column '{SlidingWindowMicroseconds}' is {sliding.ColumnType}; it must be BIGINT NULL");
        }

        foreach (var name in new[] { SlidingWindowMicroseconds, AbsoluteDeadline })
        {
            if (byName.TryGetValue(name, out var column) && !column.IsNullable)
            {
                problems.Add($"column '{name}' is NOT NULL; it must allow NULL");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"The table '{table}' does not have the shape the cache needs: {string.Join("; ", problems)}. " +
                "See schema/mysql/001_create_sessions.sql for the expected definition.");
        }

        return new TableShape(idCapacity, dataCapacity, dataType, maxAllowedPacket);
    }

    /// <summary>
    /// Says why a value of <paramref name="length"/> bytes, of which <paramref name="escapedBytes"/> need an escape character
    /// in the statement text, cannot be written; <see langword="null"/> when it can. Checked before anything is sent, so a
    /// value that is too large never leaves a partial write.
    /// </summary>
    public string? WhyValueDoesNotFit(long length, long escapedBytes)
    {
        if (length > DataCapacity)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"The value is {length:N0} bytes; the '{Data}' column ({DataType}) holds at most {DataCapacity:N0} bytes.");
        }

        // MySqlConnector sends parameters in the statement text, where some bytes take an escape character; the whole
        // statement must fit in one packet of max_allowed_packet bytes (MySQL manual, "Packet Too Large").
        var statementBytes = length + escapedBytes + StatementOverheadBytes;
        return statementBytes > MaxAllowedPacket
            ? string.Create(CultureInfo.InvariantCulture,
                $"The value is {length:N0} bytes and its statement would be {statementBytes:N0} bytes, over the server's " +
                $"max_allowed_packet of {MaxAllowedPacket:N0} bytes. Raise max_allowed_packet on the server or store a smaller value.")
            : null;
    }
}
