namespace SessionStore.Sql;

/// <summary>A validated table name, optionally qualified with its database.</summary>
internal sealed record TableName(string? Database, string Table)
{
    /// <summary>The name as it goes into SQL: <c>`db`.`table`</c> or <c>`table`</c>.</summary>
    public string Quoted => Database is null ? SqlIdentifier.Quote(Table) : SqlIdentifier.Quote(Database) + "." + SqlIdentifier.Quote(Table);

    /// <summary>Parses <c>table</c> or <c>database.table</c>; returns an error message, or <see langword="null"/> when valid.</summary>
    public static string? Validate(string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return "must name a table; it is empty";
        }

        var parts = value.Split('.');
        if (parts.Length > 2 || !parts.All(SqlIdentifier.IsValid))
        {
            return $"'{value}' is not a table name this library accepts: use 'table' or 'database.table', each part 1 to {SqlIdentifier.MaxLength} " +
                "ASCII letters, digits, '_' or '$' (not all digits), with no quotes, backticks, spaces or semicolons";
        }

        return null;
    }

    /// <summary>Parses a name that <see cref="Validate"/> accepted.</summary>
    public static TableName Parse(string value)
    {
        var error = Validate(value);
        if (error is not null)
        {
            throw new ArgumentException($"The table name {error}.", nameof(value));
        }

        var parts = value.Split('.');
        return parts.Length == 2 ? new TableName(parts[0], parts[1]) : new TableName(null, parts[0]);
    }

    /// <inheritdoc />
    public override string ToString() => Database is null ? Table : Database + "." + Table;
}
