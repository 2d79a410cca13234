using System.Buffers.Text;
using System.Globalization;
using System.Text;
using MySqlConnector;
using SessionStore.Sql;

namespace SessionStore.Cli.Schema;

/// <summary>
/// Moves the values of a text data column into the binary staging column, a page of rows per transaction. A value the cache
/// wrote is Base64, and is decoded with the very call the cache reads it with (<see cref="Convert.TryFromBase64String"/>), so
/// it comes back byte for byte. Any other value — the Perl app's JSON, say — is not Base64; it keeps its bytes as stored, and
/// the cache then returns those bytes (before the upgrade it treated such a row as unreadable).
/// </summary>
internal sealed class Base64DecodeStep : UpgradeStep
{
    /// <summary>Rows per page and transaction: small, so that no value-heavy page holds much memory or many locks.</summary>
    private const int PageSize = 100;

    private readonly TableName _table;
    private readonly string _id;
    private readonly string _data;
    private readonly string _staging;

    public Base64DecodeStep(TableName table, string id, string data, string staging)
        : base($"Copy every value of '{data}' into '{staging}': Base64 (what the cache wrote) decoded, anything else " +
            "(such as the Perl app's JSON) with its bytes as stored")
    {
        _table = table;
        _id = id;
        _data = data;
        _staging = staging;
    }

    public override string Sql =>
        "-- a page at a time, decoding in the tool with the cache's own Base64 decoder:\n" +
        CliStatements.SelectUndecoded(_table, _id, _data, _staging, PageSize, first: false) + "\n" +
        CliStatements.WriteDecoded(_table, _id, _staging);

    public override async Task<string> ExecuteAsync(UpgradeContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var connection = context.Connection;
        var cancellationToken = context.CancellationToken;
        using var write = new MySqlCommand(CliStatements.WriteDecoded(_table, _id, _staging), connection);
        var idParameter = write.Parameters.Add("@id", MySqlDbType.VarChar);
        var valueParameter = write.Parameters.Add("@value", MySqlDbType.LongBlob);

        // Prepared: the value goes in the binary protocol, unescaped, so a value that fitted as Base64 fits as bytes.
        await write.PrepareAsync(cancellationToken).ConfigureAwait(false);
        long decoded = 0, kept = 0;
        string? after = null;
        while (true)
        {
            var page = await ReadPageAsync(connection, after, cancellationToken).ConfigureAwait(false);
            if (page.Count == 0)
            {
                break;
            }

            var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                write.Transaction = transaction;
                foreach (var (id, stored) in page)
                {
                    var value = Decode(stored, out var wasBase64);
                    decoded += wasBase64 ? 1 : 0;
                    kept += wasBase64 ? 0 : 1;
                    idParameter.Value = id;
                    valueParameter.Value = value;
                    await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            }

            after = page[^1].Id;
        }

        return string.Create(CultureInfo.InvariantCulture, $"values decoded from Base64: {decoded}; kept as stored (not Base64): {kept}");
    }

    /// <summary>
    /// Base64 is ASCII, so in any ASCII-compatible character set its stored bytes are its characters (Latin-1 maps each byte
    /// to the character of the same number); a byte above 127 makes the text not Base64 here as it does for the cache.
    /// </summary>
    internal static byte[] Decode(byte[]? stored, out bool wasBase64)
    {
        wasBase64 = false;
        if (stored is null)
        {
            return [];
        }

        var text = Encoding.Latin1.GetString(stored);
        var buffer = new byte[Base64.GetMaxDecodedFromUtf8Length(text.Length)];
        if (Convert.TryFromBase64String(text, buffer, out var length))
        {
            wasBase64 = true;
            return buffer.AsSpan(0, length).ToArray();
        }

        return stored;
    }

    private async Task<List<(string Id, byte[]? Stored)>> ReadPageAsync(MySqlConnection connection, string? after, CancellationToken cancellationToken)
    {
        using var select = new MySqlCommand(CliStatements.SelectUndecoded(_table, _id, _data, _staging, PageSize, first: after is null), connection);
        select.Parameters.AddWithValue("@after", after);
        var page = new List<(string, byte[]?)>(PageSize);
        using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            page.Add((reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<byte[]>(1)));
        }

        return page;
    }
}
