using System.Buffers;
using System.Runtime.CompilerServices;
using MySqlConnector;
using SessionStore.Sql;
using SessionStore.Values;

namespace SessionStore.Operations;

/// <summary>
/// Reads the rows reads return: data, sliding window, expiry instant, deadline, in that order (led by the id in a coalesced
/// read; without the data for a Refresh's check).
/// </summary>
internal static class EntryReader
{
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public static async ValueTask<StoredEntry> ReadAsync(
        MySqlDataReader reader, DataEncoding encoding, IBufferWriter<byte>? destination, bool isAsync, CancellationToken cancellationToken)
    {
        if (!await SkipToRowsAsync(reader, isAsync, cancellationToken).ConfigureAwait(false))
        {
            return default;
        }

        if (!(isAsync ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false) : reader.Read()))
        {
            return default;
        }

        var entry = ReadRow(reader, 0, encoding, destination);

        // RecordsAffected counts the rows the batch's UPDATE changed (the SELECT adds none).
        return entry with { Extended = reader.RecordsAffected > 0 };
    }

    /// <summary>
    /// Moves past the results without columns (the UPDATE that slides the entry, the SET statements) to the SELECT's; false
    /// when there is none.
    /// </summary>
    public static async ValueTask<bool> SkipToRowsAsync(MySqlDataReader reader, bool isAsync, CancellationToken cancellationToken)
    {
        while (reader.FieldCount == 0)
        {
            if (!(isAsync ? await reader.NextResultAsync(cancellationToken).ConfigureAwait(false) : reader.NextResult()))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Reads the current row, whose data column is at <paramref name="first"/> (after the id, in a coalesced read) and whose
    /// expiry facts follow it.
    /// </summary>
    public static StoredEntry ReadRow(MySqlDataReader reader, int first, DataEncoding encoding, IBufferWriter<byte>? destination)
    {
        StoredEntry entry;
        if (reader.IsDBNull(first))
        {
            // Only another application's row can hold NULL data (the ancestor's columns are nullable); the cache never writes it.
            entry = StoredEntry.UnreadableRow;
        }
        else if (encoding == DataEncoding.Base64Text)
        {
            entry = ValueCodec.DecodeBase64(reader.GetString(first), destination);
        }
        else
        {
            // GetStream wraps the row's bytes in the driver's buffer; they are copied once, into the destination.
            using var stream = reader.GetStream(first);
            var length = checked((int)stream.Length);
            if (destination is not null)
            {
                var span = destination.GetSpan(length)[..length];
                stream.ReadExactly(span);
                destination.Advance(length);
                entry = new StoredEntry(true, null);
            }
            else
            {
                var value = GC.AllocateUninitializedArray<byte>(length);
                stream.ReadExactly(value);
                entry = new StoredEntry(true, value);
            }
        }

        return WithExpiry(entry, reader, first + 1);
    }

    /// <summary>Reads the expiry facts of the current row, starting at <paramref name="first"/>: a found entry without its data.</summary>
    public static StoredEntry ReadExpiryRow(MySqlDataReader reader, int first) => WithExpiry(new StoredEntry(true, null), reader, first);

    private static StoredEntry WithExpiry(StoredEntry entry, MySqlDataReader reader, int first) => entry with
    {
        SlidingWindowMicroseconds = reader.IsDBNull(first) ? null : reader.GetInt64(first),
        ExpiryInstant = reader.IsDBNull(first + 1) ? null : reader.GetDateTime(first + 1),
        AbsoluteDeadline = reader.IsDBNull(first + 2) ? null : reader.GetDateTime(first + 2),
    };
}
