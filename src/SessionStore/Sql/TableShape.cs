using System.Globalization;
using static SessionStore.Sql.SessionColumns;

namespace SessionStore.Sql;

/// <summary>
/// What the cache learned about its table and server when it first connected: which layout the table has (the full schema,
/// or one of the Perl ancestor's), how long an id the id column takes, and how large a value may be written, given both the
/// data column's capacity and the server's <c>max_allowed_packet</c>.
/// </summary>
internal sealed class TableShape
{
    /// <summary>Room left in a packet for the statement text and the other parameters of an upsert.</summary>
    internal const long StatementOverheadBytes = 1024;

    private TableShape(TableLayout layout, int idCapacity, long dataColumnCapacity, string dataType, long maxAllowedPacket, string reason, bool idsCompareOrdinally)
    {
        Layout = layout;
        IdsCompareOrdinally = idsCompareOrdinally;
        IdCapacity = idCapacity;
        DataColumnCapacity = dataColumnCapacity;
        DataType = dataType;
        MaxAllowedPacket = maxAllowedPacket;
        Reason = reason;
    }

    public TableLayout Layout { get; }

    /// <summary>
    /// Whether the server finds a row by an id exactly when the id equals the row's ordinally: digests (lowercase hex), or
    /// verbatim keys in a binary-collated column. Only then can a coalesced read match its rows back to its ids by text.
    /// </summary>
    public bool IdsCompareOrdinally { get; }

    /// <summary>Characters the id column holds.</summary>
    public int IdCapacity { get; }

    /// <summary>Bytes (Base64 characters, for a text column) the data column holds.</summary>
    public long DataColumnCapacity { get; }

    /// <summary>The most value bytes the data column holds, after encoding.</summary>
    public long DataCapacity => Layout.Encoding == DataEncoding.Base64Text ? DataColumnCapacity / 4 * 3 : DataColumnCapacity;

    /// <summary>The data column's type, for messages: <c>mediumblob</c>.</summary>
    public string DataType { get; }

    /// <summary>The server's <c>max_allowed_packet</c>, in bytes.</summary>
    public long MaxAllowedPacket { get; }

    /// <summary>Why this layout was chosen, in words, for the startup log line.</summary>
    public string Reason { get; }

    /// <summary>
    /// Reads the layout from the table's columns; throws <see cref="InvalidOperationException"/> listing every problem, each
    /// naming its column, when the cache cannot use the table.
    /// </summary>
    public static TableShape FromColumns(
        TableName table,
        IReadOnlyList<ColumnDescription> columns,
        long maxAllowedPacket,
        ColumnNames names,
        DbiSessionKeyStorage keyStorage)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(columns);
        var byName = columns.ToDictionary(c => c.ColumnName, StringComparer.OrdinalIgnoreCase);
        var problems = new List<string>();

        var missing = new[] { names.Id, names.Data }.Where(name => !byName.ContainsKey(name)).ToList();
        var expiryColumns = new[] { ExpiresAt, SlidingWindowMicroseconds, AbsoluteDeadline };
        var presentExpiry = expiryColumns.Where(byName.ContainsKey).ToList();
        var hasLastActive = byName.ContainsKey(names.LastActive);
        ExpiryMode expiry;
        string reason;
        if (presentExpiry.Count == expiryColumns.Length)
        {
            expiry = ExpiryMode.ExpiryColumns;
            reason = "the table has the expiry columns";
            if (!hasLastActive)
            {
                missing.Add(names.LastActive);
            }
        }
        else if (presentExpiry.Count > 0)
        {
            expiry = ExpiryMode.ExpiryColumns;
            reason = "";
            missing.AddRange(expiryColumns.Except(presentExpiry));
        }
        else if (hasLastActive)
        {
            expiry = ExpiryMode.LastActive;
            reason = $"the table has '{names.LastActive}' but no expiry columns: every entry slides by DefaultSlidingExpiration " +
                "from its last use, and absolute expirations are refused";
        }
        else
        {
            expiry = ExpiryMode.None;
            reason = $"the table has neither '{names.LastActive}' nor expiry columns: entries never expire, and absolute " +
                "expirations are refused";
        }

        if (missing.Count > 0)
        {
            problems.Add($"missing column{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing.Select(m => $"'{m}'"))}");
        }

        var idCapacity = 0;
        var idsCompareOrdinally = keyStorage == DbiSessionKeyStorage.Digest;
        if (byName.TryGetValue(names.Id, out var id))
        {
            var minimum = keyStorage == DbiSessionKeyStorage.Digest ? Keys.StoredId.DigestLength : 1;
            if (id.DataType is not ("char" or "varchar") || id.MaximumLength is null)
            {
                problems.Add($"column '{names.Id}' is {id.ColumnType}; it must be CHAR(40) or VARCHAR(n)");
            }
            else if ((idCapacity = (int)Math.Min(id.MaximumLength.Value, int.MaxValue)) < minimum)
            {
                problems.Add($"column '{names.Id}' is {id.ColumnType}; it must hold at least {minimum} characters");
            }
            else if (keyStorage == DbiSessionKeyStorage.Verbatim && !IsCaseSensitive(id.CollationName))
            {
                problems.Add($"column '{names.Id}' has the case-insensitive collation {id.CollationName}, so with KeyStorage = Verbatim " +
                    "keys differing in case would share a row; give it a binary collation (utf8mb4_bin) or use KeyStorage = Digest");
            }
            else if (id.CollationName is { } collation && (collation == "binary" || collation.EndsWith("_bin", StringComparison.OrdinalIgnoreCase)))
            {
                idsCompareOrdinally = true;
            }
        }

        long dataCapacity = 0;
        var encoding = DataEncoding.Binary;
        var dataType = "";
        if (byName.TryGetValue(names.Data, out var data))
        {
            dataType = data.ColumnType;
            if (data.IsBinaryType && data.MaximumLength is { } bytes)
            {
                dataCapacity = bytes;
            }
            else if (data.IsTextType && data.MaximumLength is { } characters && data.OctetLength is { } octets)
            {
                // Base64 is ASCII: one byte per character in any character set. TEXT types are limited in bytes, CHAR and
                // VARCHAR in characters.
                encoding = DataEncoding.Base64Text;
                dataCapacity = data.DataType is "char" or "varchar" ? characters : octets;
            }
            else
            {
                problems.Add($"column '{names.Data}' is {data.ColumnType}; it must be binary (MEDIUMBLOB, LONGBLOB, BLOB, VARBINARY) " +
                    "or text (TEXT, VARCHAR), which holds values as Base64");
            }
        }

        var usesTimestamp = false;
        var timeColumns = expiry switch
        {
            ExpiryMode.ExpiryColumns => new[] { (names.LastActive, false), (ExpiresAt, false), (AbsoluteDeadline, true) },
            ExpiryMode.LastActive => [(names.LastActive, false)],
            _ => [],
        };
        foreach (var (name, nullable) in timeColumns)
        {
            if (byName.TryGetValue(name, out var column))
            {
                if (!column.IsTimeType)
                {
                    problems.Add($"column '{name}' is {column.ColumnType}; it must be DATETIME(6){(nullable ? " NULL" : "")} (or TIMESTAMP)");
                }

                usesTimestamp |= column.DataType == "timestamp";
            }
        }

        if (expiry == ExpiryMode.ExpiryColumns && byName.TryGetValue(SlidingWindowMicroseconds, out var sliding) && sliding.DataType != "bigint")
        {
            problems.Add($"column '{SlidingWindowMicroseconds}' is {sliding.ColumnType}; it must be BIGINT NULL");
        }

        if (expiry == ExpiryMode.ExpiryColumns)
        {
            foreach (var name in new[] { SlidingWindowMicroseconds, AbsoluteDeadline })
            {
                if (byName.TryGetValue(name, out var column) && !column.IsNullable)
                {
                    problems.Add($"column '{name}' is NOT NULL; it must allow NULL");
                }
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"The table '{table}' does not have a shape the cache can use: {string.Join("; ", problems)}. " +
                "See schema/mysql/001_create_sessions.sql for the full definition.");
        }

        if (encoding == DataEncoding.Base64Text)
        {
            reason += $"; '{names.Data}' is text ({dataType}), so values are stored as Base64";
        }

        var layout = new TableLayout(names.Id, names.Data, names.LastActive, expiry, encoding, usesTimestamp);
        return new TableShape(layout, idCapacity, dataCapacity, dataType, maxAllowedPacket, reason, idsCompareOrdinally);
    }

    internal static bool IsCaseSensitive(string? collation) =>
        collation is null or "binary" || collation.EndsWith("_bin", StringComparison.OrdinalIgnoreCase) || collation.EndsWith("_cs", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Says why a value of <paramref name="length"/> bytes, of which <paramref name="escapedBytes"/> need an escape character
    /// in the statement text, cannot be written; <see langword="null"/> when it can. Checked before anything is sent, so a
    /// value that is too large never leaves a partial write.
    /// </summary>
    public string? WhyValueDoesNotFit(long length, long escapedBytes)
    {
        if (length > DataCapacity)
        {
            var encoded = Layout.Encoding == DataEncoding.Base64Text ? " as Base64" : "";
            return string.Create(CultureInfo.InvariantCulture,
                $"The value is {length:N0} bytes; the '{Layout.DataColumn}' column ({DataType}) holds at most {DataCapacity:N0} bytes{encoded}.");
        }

        // MySqlConnector sends parameters in the statement text, where some bytes take an escape character (Base64 text needs
        // none); the whole statement must fit in one packet of max_allowed_packet bytes (MySQL manual, "Packet Too Large").
        var statementBytes = (Layout.Encoding == DataEncoding.Base64Text ? (length + 2) / 3 * 4 : length + escapedBytes) + StatementOverheadBytes;
        return statementBytes > MaxAllowedPacket
            ? string.Create(CultureInfo.InvariantCulture,
                $"The value is {length:N0} bytes and its statement would be {statementBytes:N0} bytes, over the server's " +
                $"max_allowed_packet of {MaxAllowedPacket:N0} bytes. Raise max_allowed_packet on the server or store a smaller value.")
            : null;
    }
}
