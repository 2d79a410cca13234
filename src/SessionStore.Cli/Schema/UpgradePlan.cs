using SessionStore.Expiry;
using SessionStore.Sql;
using static SessionStore.Cli.Schema.CliStatements;
using static SessionStore.Sql.SessionColumns;

namespace SessionStore.Cli.Schema;

/// <summary>
/// What <c>schema upgrade</c> does to a table to give it the full schema (schema/mysql/001) in place, keeping every row:
/// planned from the table's state alone, so that a table that is up to date gets no step and an interrupted upgrade gets
/// the steps it still lacks. Four steps at most, each one statement or one repeatable pass:
/// <list type="number">
/// <item>one ALTER TABLE adds the missing columns (nullable for now), converts TIMESTAMP columns to UTC DATETIME(6), gives the
/// id column a binary collation, and adds a binary staging column beside a text data column;</item>
/// <item>one UPDATE fills what was added: <c>last_active</c> with now, <c>expires_at</c> with <c>last_active</c> plus the
/// sliding window; then the values of a text data column are decoded into the staging column, page by page;</item>
/// <item>one ALTER TABLE makes the filled columns NOT NULL, adds <c>ix_expires_at</c>, drops the text data column (or widens a
/// small binary one);</item>
/// <item>one ALTER TABLE renames the staging column to the data column.</item>
/// </list>
/// Steps are separate statements rather than one because a data transformation cannot run inside an ALTER TABLE, and
/// dropping a column and renaming another to its name in one ALTER is not something both MariaDB and MySQL document.
/// </summary>
internal sealed class UpgradePlan
{
    /// <summary>Holds the decoded values while a text data column is converted; renamed to the data column at the end.</summary>
    public const string StagingColumn = "sessionstore_upgrade_data";

    private UpgradePlan(IReadOnlyList<UpgradeStep> steps, IReadOnlyList<string> refusals)
    {
        Steps = steps;
        Refusals = refusals;
    }

    public IReadOnlyList<UpgradeStep> Steps { get; }

    /// <summary>Why the table cannot be upgraded; when there are any, there are no steps and nothing is changed.</summary>
    public IReadOnlyList<string> Refusals { get; }

    public bool IsUpToDate => Refusals.Count == 0 && Steps.Count == 0;

    public static UpgradePlan For(LiveTable table, ColumnNames names, DbiSessionKeyStorage keyStorage)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (!table.Exists)
        {
            return new UpgradePlan([], [$"it does not exist in database '{table.Database}'; create it with 'sessionstore schema create'"]);
        }

        var plan = new Planner(table, names);
        plan.IdColumn(keyStorage);
        plan.TimeColumns();
        plan.DataColumn();
        return plan.Build();
    }

    /// <summary>Collects the clauses of each step while it looks at each column.</summary>
    private sealed class Planner(LiveTable table, ColumnNames names)
    {
        private readonly List<string> _refusals = [];
        private readonly List<(string Clause, string Change)> _structure = [];
        private readonly List<(string Assignment, string Condition)> _fill = [];
        private readonly List<string> _fillChanges = [];
        private readonly List<(string Clause, string Change)> _finish = [];
        private Base64DecodeStep? _decode;
        private (string Clause, string Change)? _rename;

        public void IdColumn(DbiSessionKeyStorage keyStorage)
        {
            var id = table.Column(names.Id);
            if (id is null)
            {
                _refusals.Add($"it has no id column '{names.Id}' (set --id-column if it has another name)");
                return;
            }

            if (id.DataType is not ("char" or "varchar") || id.MaximumLength is not { } length)
            {
                _refusals.Add($"column '{names.Id}' is {id.ColumnType}; upgrade converts only a CHAR or VARCHAR id");
                return;
            }

            if (!table.IsUniqueKey(names.Id))
            {
                _refusals.Add($"column '{names.Id}' is not the primary key, nor a unique key of its own, which the cache's upsert " +
                    $"needs; add one (ALTER TABLE {table.Name.Quoted} ADD PRIMARY KEY ({SqlIdentifier.Quote(names.Id)})) and run upgrade again");
            }

            // A digest is 40 characters; a shorter column is widened, never narrowed.
            var minimum = keyStorage == DbiSessionKeyStorage.Digest ? Keys.StoredId.DigestLength : 1;
            var caseSensitive = TableShape.IsCaseSensitive(id.CollationName);
            if (!caseSensitive || length < minimum)
            {
                var type = $"{id.DataType.ToUpperInvariant()}({Math.Max(length, minimum)})";
                var changes = new List<string>();
                if (length < minimum)
                {
                    changes.Add($"widen '{names.Id}' to {type}");
                }

                if (!caseSensitive)
                {
                    changes.Add($"give '{names.Id}' the binary collation utf8mb4_bin (it has {id.CollationName})");
                }

                var change = string.Join("; ", changes);
                _structure.Add((ModifyColumn(names.Id, $"{type} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL"), change));
            }
        }

        public void TimeColumns()
        {
            var lastActive = table.Column(names.LastActive);
            var fillLastActive = false;
            if (lastActive is null)
            {
                _structure.Add((AddColumn(names.LastActive, $"{DateTime6} NULL"), $"add '{names.LastActive}'"));
                fillLastActive = true;
            }
            else if (!lastActive.IsTimeType)
            {
                _refusals.Add($"column '{names.LastActive}' is {lastActive.ColumnType}, not a time (set --last-active-column if the column has another name)");
            }
            else
            {
                ToDateTime6(lastActive, lastActive.IsNullable);
                fillLastActive = lastActive.IsNullable;
            }

            var expiresAt = table.Column(ExpiresAt);
            var fillExpiresAt = false;
            if (expiresAt is null)
            {
                _structure.Add((AddColumn(ExpiresAt, $"{DateTime6} NULL"), $"add '{ExpiresAt}'"));
                fillExpiresAt = true;
            }
            else if (!expiresAt.IsTimeType)
            {
                _refusals.Add($"column '{ExpiresAt}' is {expiresAt.ColumnType}, not a time");
            }
            else
            {
                ToDateTime6(expiresAt, expiresAt.IsNullable);
                fillExpiresAt = expiresAt.IsNullable;
            }

            var sliding = table.Column(SlidingWindowMicroseconds);
            if (sliding is null)
            {
                _structure.Add((AddColumn(SlidingWindowMicroseconds, "BIGINT NULL"), $"add '{SlidingWindowMicroseconds}'"));
            }
            else if (sliding.DataType is not ("tinyint" or "smallint" or "mediumint" or "int" or "bigint"))
            {
                _refusals.Add($"column '{SlidingWindowMicroseconds}' is {sliding.ColumnType}, not an integer");
            }
            else if (sliding.DataType != "bigint" || !sliding.IsNullable)
            {
                _structure.Add((ModifyColumn(SlidingWindowMicroseconds, "BIGINT NULL"), $"make '{SlidingWindowMicroseconds}' BIGINT NULL"));
            }

            var deadline = table.Column(AbsoluteDeadline);
            if (deadline is null)
            {
                _structure.Add((AddColumn(AbsoluteDeadline, $"{DateTime6} NULL"), $"add '{AbsoluteDeadline}'"));
            }
            else if (!deadline.IsTimeType)
            {
                _refusals.Add($"column '{AbsoluteDeadline}' is {deadline.ColumnType}, not a time");
            }
            else
            {
                ToDateTime6(deadline, nullable: true);
            }

            var lastActiveColumn = SqlIdentifier.Quote(names.LastActive);
            if (fillLastActive)
            {
                _fill.Add(($"{lastActiveColumn} = COALESCE({lastActiveColumn}, {SqlStatements.NowParameter})", $"{lastActiveColumn} IS NULL"));
                _fillChanges.Add($"'{names.LastActive}' = now where it is empty");
                _finish.Add((ModifyColumn(names.LastActive, $"{DateTime6} NOT NULL"), $"make '{names.LastActive}' NOT NULL"));
            }

            if (fillExpiresAt)
            {
                // The sliding window is set before expires_at, in the order MySQL assigns; MariaDB's SIMULTANEOUS_ASSIGNMENT
                // reads the old expires_at too, so either way it sees the rows still to fill. A filled row expires as if its
                // last activity had just extended it (the extension rule's expiry, from last_active; no deadline yet).
                var expires = SqlIdentifier.Quote(ExpiresAt);
                var window = SqlIdentifier.Quote(SlidingWindowMicroseconds);
                var extended = ExtensionRule.SqlExtendedExpiry(
                    ExpiryMode.ExpiryColumns, SqlStatements.SlidingWindowParameter, absoluteDeadline: null,
                    now: $"COALESCE({lastActiveColumn}, {SqlStatements.NowParameter})");
                _fill.Add(($"{window} = CASE WHEN {expires} IS NULL THEN {SqlStatements.SlidingWindowParameter} ELSE {window} END", $"{expires} IS NULL"));
                _fill.Add(($"{expires} = COALESCE({expires}, {extended})", $"{expires} IS NULL"));
                _fillChanges.Add($"'{ExpiresAt}' = '{names.LastActive}' + the sliding window, which '{SlidingWindowMicroseconds}' records");
                _finish.Add((ModifyColumn(ExpiresAt, $"{DateTime6} NOT NULL"), $"make '{ExpiresAt}' NOT NULL"));
            }

            if (!table.HasIndexLeadingWith(ExpiresAt))
            {
                _finish.Add((AddExpiryIndex, $"add the index ix_{ExpiresAt}"));
            }
        }

        public void DataColumn()
        {
            var data = table.Column(names.Data);
            var staging = table.Column(StagingColumn);
            if (data is null)
            {
                if (staging is { IsBinaryType: true })
                {
                    // An upgrade stopped after dropping the text column: its values are in the staging column.
                    var staged = SqlIdentifier.Quote(StagingColumn);
                    _fill.Add(($"{staged} = COALESCE({staged}, '')", $"{staged} IS NULL"));
                    _fillChanges.Add($"'{StagingColumn}' = empty where it is NULL");
                    Rename(staging.DataType.ToUpperInvariant());
                }
                else
                {
                    _refusals.Add($"it has no data column '{names.Data}' (set --data-column if it has another name)");
                }
            }
            else if (data.IsTextType)
            {
                var target = data.DataType == "longtext" ? "LONGBLOB" : "MEDIUMBLOB";
                if (data.CollationName is { } collation && (collation.StartsWith("ucs2", StringComparison.OrdinalIgnoreCase)
                    || collation.StartsWith("utf16", StringComparison.OrdinalIgnoreCase) || collation.StartsWith("utf32", StringComparison.OrdinalIgnoreCase)))
                {
                    _refusals.Add($"column '{names.Data}' has the collation {collation}, whose characters are not single ASCII bytes; " +
                        "upgrade decodes only ASCII-compatible character sets (utf8mb4, utf8mb3, latin1, ascii)");
                }

                RefuseMemoryEngine(target);
                if (staging is null)
                {
                    _structure.Add((AddColumn(StagingColumn, $"{target} NULL", after: names.Data), $"add the staging column '{StagingColumn}'"));
                }
                else if (!staging.IsBinaryType)
                {
                    _refusals.Add($"it has a column '{StagingColumn}' of type {staging.ColumnType}, which is not one upgrade made; drop or rename it");
                }
                else
                {
                    target = staging.DataType.ToUpperInvariant();
                }

                _decode = new Base64DecodeStep(table.Name, names.Id, names.Data, StagingColumn);
                _finish.Add((DropColumn(names.Data), $"drop the text column '{names.Data}'"));
                Rename(target);
            }
            else if (data.IsBinaryType)
            {
                if (staging is not null)
                {
                    _refusals.Add($"it has a column '{StagingColumn}' beside a binary '{names.Data}', which upgrade never leaves; drop or rename it");
                }

                var widen = data.DataType is not ("mediumblob" or "longblob");
                var target = data.DataType == "longblob" ? "LONGBLOB" : "MEDIUMBLOB";
                if (widen)
                {
                    RefuseMemoryEngine(target);
                }

                if (data.IsNullable)
                {
                    var column = SqlIdentifier.Quote(names.Data);
                    _fill.Add(($"{column} = COALESCE({column}, '')", $"{column} IS NULL"));
                    _fillChanges.Add($"'{names.Data}' = empty where it is NULL");
                }

                if (widen || data.IsNullable)
                {
                    _finish.Add((ModifyColumn(names.Data, $"{target} NOT NULL"),
                        widen ? $"widen '{names.Data}' from {data.ColumnType} to {target} NOT NULL" : $"make '{names.Data}' NOT NULL"));
                }
            }
            else
            {
                _refusals.Add($"column '{names.Data}' is {data.ColumnType}, neither binary nor text");
            }

            void Rename(string type) => _rename = (RenameColumn(StagingColumn, names.Data, $"{type} NOT NULL"),
                $"rename '{StagingColumn}' to '{names.Data}' ({type} NOT NULL)");
        }

        public UpgradePlan Build()
        {
            if (_refusals.Count > 0)
            {
                return new UpgradePlan([], _refusals);
            }

            var steps = new List<UpgradeStep>();
            if (_structure.Count > 0)
            {
                steps.Add(new SqlUpgradeStep(Describe(_structure), Alter(table.Name, _structure.Select(s => s.Clause))));
            }

            if (_fill.Count > 0)
            {
                steps.Add(new SqlUpgradeStep(
                    "Fill in: " + string.Join("; ", _fillChanges),
                    Fill(table.Name, _fill.Select(f => f.Assignment), _fill.Select(f => f.Condition).Distinct(StringComparer.Ordinal)),
                    countsRows: true));
            }

            if (_decode is not null)
            {
                steps.Add(_decode);
            }

            if (_finish.Count > 0)
            {
                steps.Add(new SqlUpgradeStep(Describe(_finish), Alter(table.Name, _finish.Select(s => s.Clause))));
            }

            if (_rename is { } rename)
            {
                steps.Add(new SqlUpgradeStep(Describe([rename]), Alter(table.Name, [rename.Clause])));
            }

            return new UpgradePlan(steps, []);
        }

        /// <summary>
        /// Makes a time column DATETIME(6), which also drops a TIMESTAMP's automatic <c>ON UPDATE CURRENT_TIMESTAMP</c>: left
        /// in place, the fill's UPDATE would stamp every row's last activity with the time of the upgrade.
        /// </summary>
        private void ToDateTime6(ColumnDescription column, bool nullable)
        {
            var autoUpdated = table.IsAutoUpdated(column.ColumnName);
            if (column.ColumnType == "datetime(6)" && !autoUpdated && column.IsNullable == nullable)
            {
                return;
            }

            var from = column.ColumnType + (autoUpdated ? " ON UPDATE CURRENT_TIMESTAMP" : "") + (column.IsNullable ? " NULL" : " NOT NULL");
            var to = $"{DateTime6}{(nullable ? " NULL" : " NOT NULL")}";
            _structure.Add((ModifyColumn(column.ColumnName, to), $"make '{column.ColumnName}' {to} in UTC (from {from})"));
        }

        private void RefuseMemoryEngine(string target)
        {
            if (table.IsMemoryEngine)
            {
                _refusals.Add($"it uses the MEMORY engine, which has no BLOB types, so '{names.Data}' cannot become {target}; " +
                    $"convert it first (ALTER TABLE {table.Name.Quoted} ENGINE=InnoDB; its sessions then also survive a server restart) " +
                    "and run upgrade again");
            }
        }

        private static string Describe(IEnumerable<(string Clause, string Change)> clauses) =>
            "Alter: " + string.Join("; ", clauses.Select(c => c.Change));
    }
}
