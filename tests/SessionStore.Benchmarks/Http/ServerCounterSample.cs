namespace SessionStore.Benchmarks.Http;

/// <summary>
/// The MySQL server's global counters the HTTP benchmark reads before and after each cell, or their difference:
/// statements by kind (<c>Com_select</c>, <c>Com_update</c>, <c>Com_insert</c>, <c>Com_delete</c>), everything clients
/// sent (<c>Questions</c>), rows read where the server counts them (<c>Innodb_rows_read</c>) and row writes as
/// <see cref="ServerCounters"/> sums them.
/// </summary>
internal sealed record ServerCounterSample(long Selects, long Updates, long Inserts, long Deletes, long Questions, long? RowsRead, long? RowWrites)
{
    private static readonly string[] s_names = ["Com_select", "Com_update", "Com_insert", "Com_delete", "Questions", "Innodb_rows_read"];

    public static readonly ServerCounterSample Zero = new(0, 0, 0, 0, 0, 0, 0);

    public long Statements => Selects + Updates + Inserts + Deletes;

    public static async Task<ServerCounterSample> ReadAsync(ServerCounters counters, CancellationToken cancellationToken)
    {
        var rowWrites = await counters.ReadRowWritesAsync(cancellationToken);
        var status = await counters.ReadStatusAsync(s_names, cancellationToken);
        return new ServerCounterSample(
            status.GetValueOrDefault("Com_select"),
            status.GetValueOrDefault("Com_update"),
            status.GetValueOrDefault("Com_insert"),
            status.GetValueOrDefault("Com_delete"),
            status.GetValueOrDefault("Questions"),
            status.TryGetValue("Innodb_rows_read", out var rowsRead) ? rowsRead : null,
            rowWrites);
    }

    public ServerCounterSample Since(ServerCounterSample before) => new(
        Selects - before.Selects,
        Updates - before.Updates,
        Inserts - before.Inserts,
        Deletes - before.Deletes,
        Questions - before.Questions,
        RowsRead - before.RowsRead,
        RowWrites - before.RowWrites);

    public ServerCounterSample Plus(ServerCounterSample other) => new(
        Selects + other.Selects,
        Updates + other.Updates,
        Inserts + other.Inserts,
        Deletes + other.Deletes,
        Questions + other.Questions,
        RowsRead + other.RowsRead,
        RowWrites + other.RowWrites);
}
