using SessionStore.Sql;

namespace SessionStore.AspNetCore.Dancer;

/// <summary>
/// The SQL of the Dancer session sharing, on the cache's table and columns. A Dancer row is the id and a JSON document in the
/// data column; the sharing never touches the cache's own rows (their ids are digests, never a Dancer cookie's value).
/// </summary>
internal sealed class DancerStatements
{
    public const string IdParameter = "@id";
    public const string NewIdParameter = "@new_id";
    public const string DataParameter = "@data";
    public const string NowParameter = "@now";
    public const string ExpiresAtParameter = "@expires_at";
    public const string SlidingWindowParameter = "@sliding_window_us";

    public DancerStatements(TableName table, TableLayout layout)
    {
        var t = table.Quoted;
        var id = SqlIdentifier.Quote(layout.IdColumn);
        var data = SqlIdentifier.Quote(layout.DataColumn);
        var lastActive = SqlIdentifier.Quote(layout.LastActiveColumn);

        // TIMESTAMP columns are read and written in the session's time zone: pin it to UTC, which @now is.
        var session = layout.UsesTimestampColumns ? "SET time_zone = '+00:00';\n" : "";
        var stamp = layout.Expiry == ExpiryMode.None ? "" : $", {lastActive} = @now";

        Select = $"SELECT {data} FROM {t} WHERE {id} = @id;";
        Lock = $"SELECT {data} FROM {t} WHERE {id} = @id FOR UPDATE;";
        Update = $"{session}UPDATE {t} SET {data} = @data{stamp} WHERE {id} = @id;";
        Move = $"{session}UPDATE {t} SET {id} = @new_id, {data} = @data{stamp} WHERE {id} = @id;";
        Delete = $"DELETE FROM {t} WHERE {id} = @id;";
        Insert = layout.Expiry switch
        {
            // The full schema: the row slides by the cache's default window, as an entry written without expiration does.
            ExpiryMode.ExpiryColumns => $"""
                {session}INSERT INTO {t} ({id}, {data}, {lastActive}, `{SessionColumns.ExpiresAt}`, `{SessionColumns.SlidingWindowMicroseconds}`)
                  VALUES (@id, @data, @now, @expires_at, @sliding_window_us);
                """,
            ExpiryMode.LastActive => $"{session}INSERT INTO {t} ({id}, {data}, {lastActive}) VALUES (@id, @data, @now);",
            _ => $"INSERT INTO {t} ({id}, {data}) VALUES (@id, @data);",
        };
    }

    /// <summary>The document of a session.</summary>
    public string Select { get; }

    /// <summary>The document, locking the row until the transaction ends (a save merges into what it finds there).</summary>
    public string Lock { get; }

    /// <summary>Writes the document.</summary>
    public string Update { get; }

    /// <summary>Moves the session to a new id with its document (the document's own <c>id</c> rewritten).</summary>
    public string Move { get; }

    /// <summary>Ends the session.</summary>
    public string Delete { get; }

    /// <summary>Creates a session made on the .NET side.</summary>
    public string Insert { get; }
}
