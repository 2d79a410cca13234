using System.Buffers;
using MySqlConnector;
using SessionStore.Sql;
using SessionStore.Values;

namespace SessionStore.Operations;

/// <summary>Reads the row a Get's statement returns: data, sliding window, expiry instant, deadline, in that order.</summary>
internal static class EntryReader
{
    public static async ValueTask<StoredEntry> ReadAsync(
        MySqlDataReader reader, DataEncoding encoding, IBufferWriter<byte>? destination, bool isAsync, CancellationToken cancellationToken)
    {
        // Results without columns (the UPDATE that slides the entry, the SET statements) come first; the SELECT's rows follow.
        while (reader.FieldCount == 0)
        {
            if (!(isAsync ? await reader.NextResultAsync(cancellationToken).ConfigureAwait(false) : reader.NextResult()))
            {
                return default;
            }
        }

        if (!(isAsync ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false) : reader.Read()))
        {
            return default;
        }

        long? slidingWindow = reader.IsDBNull(1) ? null : reader.GetInt64(1);
        DateTime? expiryInstant = reader.IsDBNull(2) ? null : reader.GetDateTime(2);
        DateTime? deadline = reader.IsDBNull(3) ? null : reader.GetDateTime(3);
        StoredEntry entry;
        if (reader.IsDBNull(0))
        {
            // Only another application's row can hold NULL data (the ancestor's columns are nullable); the cache never writes it.
            entry = StoredEntry.UnreadableRow;
        }
        else if (encoding == DataEncoding.Base64Text)
        {
            entry = ValueCodec.DecodeBase64(reader.GetString(0), destination);
        }
        else
        {
            // GetStream wraps the row's bytes in the driver's buffer; they are copied once, into the destination.
            using var stream = reader.GetStream(0);
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

        // RecordsAffected counts the rows the batch's UPDATE changed (the SELECT adds none).
        return entry with
        {
            SlidingWindowMicroseconds = slidingWindow,
            ExpiryInstant = expiryInstant,
            AbsoluteDeadline = deadline,
            Extended = reader.RecordsAffected > 0,
        };
    }
}
