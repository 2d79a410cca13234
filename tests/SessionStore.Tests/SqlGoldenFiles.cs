using System.Text;
using SessionStore.Sql;

namespace SessionStore.Tests;

/// <summary>
/// Reads and writes the golden SQL files under <c>tests/SessionStore.Tests/Golden/Sql/</c> in the source tree (not the build
/// output), found by walking up from the test assembly to <c>SessionStore.sln</c>, so an update lands where git sees it.
/// </summary>
internal static class SqlGoldenFiles
{
    /// <summary>Set to <c>1</c> to rewrite the golden files from the code instead of failing on a difference.</summary>
    public const string UpdateVariable = "SESSIONSTORE_UPDATE_GOLDEN";

    /// <summary>The folder that holds the golden files.</summary>
    public static string Folder { get; } = Path.Combine(RepositoryRoot(), "tests", "SessionStore.Tests", "Golden", "Sql");

    /// <summary>Whether the run was asked to rewrite the golden files.</summary>
    public static bool Updating => Environment.GetEnvironmentVariable(UpdateVariable) == "1";

    /// <summary>
    /// Every statement <paramref name="statements"/> can send, each under a <c>-- Name</c> header, in a fixed order. A statement
    /// the layout does not have is written as <c>-- (none)</c>, so that its absence is visible in a diff too.
    /// </summary>
    public static string Render(SqlStatements statements)
    {
        ArgumentNullException.ThrowIfNull(statements);
        var sections = new (string Name, string? Sql)[]
        {
            (nameof(SqlStatements.Select), statements.Select),
            (nameof(SqlStatements.ExtendAndSelect), statements.ExtendAndSelect),
            (nameof(SqlStatements.Set), statements.Set),
            (nameof(SqlStatements.Refresh), statements.Refresh),
            (nameof(SqlStatements.Remove), statements.Remove),
            (nameof(SqlStatements.ReadExpiry), statements.ReadExpiry),
            ($"{nameof(SqlStatements.SelectMany)}(3)", statements.SelectMany(3)),
            ($"{nameof(SqlStatements.RefreshMany)}(3)", statements.RefreshMany(3)),
            ($"{nameof(SqlStatements.SetMany)}(3)", statements.SetMany(3)),
            ($"{nameof(SqlStatements.RemoveMany)}(3)", statements.RemoveMany(3)),
            (nameof(SqlStatements.ChangeId), statements.ChangeId),
            (nameof(SqlStatements.PurgeExpired), statements.PurgeExpired),
            (nameof(SqlStatements.Statistics), statements.Statistics),
            (nameof(SqlStatements.DescribeTable), SqlStatements.DescribeTable),
            (nameof(SqlStatements.GroupMemberState), SqlStatements.GroupMemberState),
            (nameof(SqlStatements.CreateTableDdl), SqlStatements.CreateTableDdl(statements.Table)),
            (nameof(SqlStatements.TryTakeSweepLock), SqlStatements.TryTakeSweepLock),
            (nameof(SqlStatements.ReleaseSweepLock), SqlStatements.ReleaseSweepLock),
            (nameof(SqlStatements.EstimateRows), SqlStatements.EstimateRows),
            (nameof(SqlStatements.Ping), SqlStatements.Ping),
        };

        var text = new StringBuilder();
        foreach (var (name, sql) in sections)
        {
            text.Append("-- ").Append(name).Append('\n').Append(sql ?? "-- (none)").Append("\n\n");
        }

        return text.ToString();
    }

    /// <summary>
    /// Compares <paramref name="actual"/> with the golden file <paramref name="name"/>. On a difference or a missing file:
    /// with <see cref="UpdateVariable"/>=1 rewrites the golden file; otherwise writes <c>name.actual.sql</c> beside it (for a
    /// diff tool) and returns a message saying so. Returns <see langword="null"/> when they match.
    /// </summary>
    public static string? Check(string name, string actual)
    {
        var golden = Path.Combine(Folder, name + ".sql");
        var received = Path.Combine(Folder, name + ".actual.sql");
        var expected = File.Exists(golden) ? File.ReadAllText(golden) : null;
        if (string.Equals(expected, actual, StringComparison.Ordinal))
        {
            File.Delete(received);
            return null;
        }

        Directory.CreateDirectory(Folder);
        if (Updating)
        {
            File.WriteAllText(golden, actual);
            File.Delete(received);
            return null;
        }

        File.WriteAllText(received, actual);
        return expected is null
            ? $"{golden} is missing; the statements are in {received}. Rerun with {UpdateVariable}=1 to accept them."
            : $"{golden} differs from the statements, which are in {received}. Diff the two; rerun with {UpdateVariable}=1 to accept them.";
    }

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "SessionStore.sln")))
            {
                return folder.FullName;
            }
        }

        throw new InvalidOperationException($"No SessionStore.sln above {AppContext.BaseDirectory}: the golden files live in the source tree.");
    }
}
